export { ManualClock, systemClock, type Clock } from '@cloudpool/common';
