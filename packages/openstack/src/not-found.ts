import { isCloudError } from '@cloudpool/common';

/** Runs a delete; NotFound counts as done. */
export async function ignoringNotFound(deletion: Promise<void>): Promise<void> {
  try {
    await deletion;
  } catch (error) {
    if (!isCloudError(error, 'not-found')) throw error;
  }
}
