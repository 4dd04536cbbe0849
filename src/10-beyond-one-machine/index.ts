/**
 * Unit 10: beyond one machine. IPython parallel's cluster (seed 004) on Redis
 * and BullMQ: engines that keep their own namespace, a client with a direct
 * view (execute, push, pull, apply) and a load-balanced view (map, imap,
 * apply) that resubmits the tasks of an engine that died.
 */
export { Client, startCluster, type ConnectOptions, type StartClusterOptions } from './client.js';
export { DirectView, LoadBalancedView, type LoadBalancedOptions } from './views.js';
export { ClusterResult, CompositeError, EngineError, type EngineOutcome } from './cluster-result.js';
export { Engine, type EngineOptions } from './engine.js';
export { NameNotFoundError } from './namespace.js';
export { defaultConnectionFile, type ConnectionFile } from './connection-file.js';
export type { EngineInfo } from './protocol.js';
export { runStreamLab, type StreamLabOptions, type StreamLabResult, type ConsumerReport } from './streams-lab.js';
export {
  StreamConsumer,
  createGroup,
  type StreamEntry,
  type StreamConsumerOptions,
  type HandledEntry,
  type ConsumerCounts,
} from './streams-consumer.js';
export {
  measureDistributionCost,
  distributionCostChart,
  type DistributionCost,
  type DistributionCostOptions,
  type DistributionCostRow,
  type RoundTrip,
} from './distribution-cost.js';
