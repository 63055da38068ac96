// The log queue lives in the PDK so that logging plugins (which may not import the pipeline) can
// use it; re-exported here for the pipeline's existing callers.
export { LogQueue } from '../pdk/log-queue.ts';
export type { LogQueueOptions, QueueParameters } from '../pdk/log-queue.ts';
