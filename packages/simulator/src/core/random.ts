export { normalSample, seededRandom, type Random } from '@cloudpool/common';
