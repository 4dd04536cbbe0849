/** Unit 02 (event loop and channels): Go-style channels and select. */
export {
  Channel,
  select,
  type RecvResult,
  type ChannelOptions,
  type OperationOptions,
  type SelectOptions,
  type SelectCase,
} from './channel.js';
export {
  runPipeline,
  measureBackpressure,
  backpressureChart,
  type PipelineOptions,
  type PipelineRun,
  type BackpressureRow,
} from './pipeline.js';
