import type { GraphDef } from '../graphs.ts';

/**
 * What the AWS integration knows about each AWS service: Mackerel's service identifiers (every one
 * is accepted in a setting, so a Terraform configuration that lists them all applies), and for the
 * services saba collects, the CloudWatch namespace, the dimension that names a resource, and each
 * metric under the name Mackerel gives it (mackerel.io/docs/entry/integrations/aws/<service>).
 */

/** Every service identifier of Mackerel's API; Terraform's provider spells Route 53 without the space. */
export const AWS_SERVICE_IDS = [
  'EC2',
  'ELB',
  'ALB',
  'NLB',
  'RDS',
  'Redshift',
  'ElastiCache',
  'SQS',
  'Lambda',
  'DynamoDB',
  'CloudFront',
  'APIGateway',
  'Kinesis',
  'S3',
  'ES',
  'ECSCluster',
  'SES',
  'States',
  'EFS',
  'Firehose',
  'Batch',
  'WAF',
  'Billing',
  'Route 53',
  'Route53',
  'Connect',
  'DocDB',
  'CodeBuild',
] as const;

export type AwsServiceId = (typeof AWS_SERVICE_IDS)[number];

export const isAwsServiceId = (s: string): s is AwsServiceId =>
  (AWS_SERVICE_IDS as readonly string[]).includes(s);

export type Statistic = 'Average' | 'Sum' | 'Maximum' | 'Minimum' | 'SampleCount' | 'p90' | 'p95' | 'p99';

export interface CatalogMetric {
  /** CloudWatch's metric name. */
  cloudwatch: string;
  /** Mackerel's name for it, under which saba stores it. */
  name: string;
  stat: Statistic;
}

export interface CatalogGraph {
  /** The graph definition's name: the metric names less their last segment. */
  name: string;
  displayName: string;
  unit: GraphDef['unit'];
  metrics: CatalogMetric[];
  /** Read only for resources of this kind (an HTTP API, a Redis cluster); every kind when absent. */
  variant?: string;
}

export interface CollectedService {
  id: AwsServiceId;
  namespace: string;
  /** Host size: EC2 instances are standard hosts, everything else micro (as Mackerel bills them). */
  size: 'standard' | 'micro';
  graphs: CatalogGraph[];
}

type Row = [cloudwatch: string, name: string, stat: Statistic];

/** One graph: its metrics share the name up to the last dot. */
function graph(displayName: string, unit: GraphDef['unit'], rows: Row[]): CatalogGraph {
  const first = rows[0]?.[1] ?? '';
  return {
    name: first.slice(0, first.lastIndexOf('.')),
    displayName,
    unit,
    metrics: rows.map(([cloudwatch, name, stat]) => ({ cloudwatch, name, stat })),
  };
}

const avg = (pairs: [string, string][]): Row[] => pairs.map(([c, n]) => [c, n, 'Average']);
const sum = (pairs: [string, string][]): Row[] => pairs.map(([c, n]) => [c, n, 'Sum']);
const spread = (cw: string, prefix: string, suffixes = ['average', 'max', 'min']): Row[] =>
  suffixes.map((s) => [
    cw,
    `${prefix}.${s}`,
    s.startsWith('av') ? 'Average' : s.startsWith('max') ? 'Maximum' : 'Minimum',
  ]);

const EC2: CollectedService = {
  id: 'EC2',
  namespace: 'AWS/EC2',
  size: 'standard',
  graphs: [
    graph('CPU', 'percentage', avg([['CPUUtilization', 'ec2.cpu.used']])),
    graph(
      'CPU Credit',
      'float',
      avg([
        ['CPUCreditUsage', 'ec2.cpu_credit.used'],
        ['CPUCreditBalance', 'ec2.cpu_credit.balance'],
        ['CPUSurplusCreditBalance', 'ec2.cpu_credit.surplus_balance'],
        ['CPUSurplusCreditsCharged', 'ec2.cpu_credit.surplus_charged'],
      ]),
    ),
    graph(
      'Disk OPS',
      'float',
      avg([
        ['DiskReadOps', 'ec2.disk_ops.read'],
        ['DiskWriteOps', 'ec2.disk_ops.write'],
      ]),
    ),
    graph(
      'Disk IO',
      'bytes',
      avg([
        ['DiskReadBytes', 'ec2.disk_io.read'],
        ['DiskWriteBytes', 'ec2.disk_io.write'],
      ]),
    ),
    graph(
      'Network Traffic',
      'bytes',
      avg([
        ['NetworkIn', 'ec2.network.in'],
        ['NetworkOut', 'ec2.network.out'],
      ]),
    ),
    graph(
      'Network Packets',
      'float',
      avg([
        ['NetworkPacketsIn', 'ec2.network_packets.in'],
        ['NetworkPacketsOut', 'ec2.network_packets.out'],
      ]),
    ),
    graph(
      'Status Check Failed',
      'float',
      avg([
        ['StatusCheckFailed_Instance', 'ec2.status_check_failed.instance'],
        ['StatusCheckFailed_System', 'ec2.status_check_failed.system'],
        ['StatusCheckFailed', 'ec2.status_check_failed.total'],
      ]),
    ),
    graph(
      'EBS Operation',
      'integer',
      sum([
        ['EBSReadOps', 'ec2.ebs_operation.read'],
        ['EBSWriteOps', 'ec2.ebs_operation.write'],
      ]),
    ),
    graph(
      'EBS Bytes Used',
      'bytes',
      sum([
        ['EBSReadBytes', 'ec2.ebs_bytes_used.read'],
        ['EBSWriteBytes', 'ec2.ebs_bytes_used.write'],
      ]),
    ),
    graph(
      'EBS Burst Bucket Balance',
      'percentage',
      avg([
        ['EBSIOBalance%', 'ec2.ebs_burst_bucket_balance.io'],
        ['EBSByteBalance%', 'ec2.ebs_burst_bucket_balance.throughput'],
      ]),
    ),
  ],
};

const ALB: CollectedService = {
  id: 'ALB',
  namespace: 'AWS/ApplicationELB',
  size: 'micro',
  graphs: [
    graph('Request Count', 'integer', sum([['RequestCount', 'alb.request.count']])),
    graph('Request Count (IPv6)', 'integer', sum([['IPv6RequestCount', 'alb.request_ipv6.count']])),
    graph('Processed Bytes', 'bytes', sum([['ProcessedBytes', 'alb.bytes.processed']])),
    graph('Processed Bytes (IPv6)', 'bytes', sum([['IPv6ProcessedBytes', 'alb.bytes_ipv6.processed']])),
    graph(
      'HTTP Code Count',
      'integer',
      sum([
        ['HTTPCode_Target_2XX_Count', 'alb.httpcode_count.target_2xx'],
        ['HTTPCode_Target_3XX_Count', 'alb.httpcode_count.target_3xx'],
        ['HTTPCode_Target_4XX_Count', 'alb.httpcode_count.target_4xx'],
        ['HTTPCode_Target_5XX_Count', 'alb.httpcode_count.target_5xx'],
        ['HTTPCode_ELB_4XX_Count', 'alb.httpcode_count.alb_4xx'],
        ['HTTPCode_ELB_5XX_Count', 'alb.httpcode_count.alb_5xx'],
      ]),
    ),
    graph(
      'Concurrent Connection Count',
      'integer',
      sum([['ActiveConnectionCount', 'alb.concurrent_connection_count.active']]),
    ),
    graph(
      'Connection Count',
      'integer',
      sum([
        ['NewConnectionCount', 'alb.connection_count.new'],
        ['RejectedConnectionCount', 'alb.connection_count.rejected'],
      ]),
    ),
    graph('Target Response Time', 'float', [
      ['TargetResponseTime', 'alb.response.time', 'Average'],
      ['TargetResponseTime', 'alb.response.time_p90', 'p90'],
      ['TargetResponseTime', 'alb.response.time_p95', 'p95'],
      ['TargetResponseTime', 'alb.response.time_p99', 'p99'],
    ]),
    graph(
      'TLS Negotiation Error Count',
      'integer',
      sum([
        ['ClientTLSNegotiationErrorCount', 'alb.tls_negotiation_error_count.client'],
        ['TargetTLSNegotiationErrorCount', 'alb.tls_negotiation_error_count.target'],
      ]),
    ),
    graph(
      'Target Connection Error Count',
      'integer',
      sum([['TargetConnectionErrorCount', 'alb.connection_error_count.target']]),
    ),
    graph('Consumed LCUs', 'float', sum([['ConsumedLCUs', 'alb.consumed_lcus.all']])),
    graph('Peak LCUs', 'float', [
      ['PeakLCUs', 'alb.peak_lcus.maximum', 'Maximum'],
      ['PeakLCUs', 'alb.peak_lcus.sum', 'Sum'],
    ]),
  ],
};

const NLB: CollectedService = {
  id: 'NLB',
  namespace: 'AWS/NetworkELB',
  size: 'micro',
  graphs: [
    graph(
      'Processed Bytes',
      'bytes',
      sum([
        ['ProcessedBytes', 'nlb.bytes.processed'],
        ['ProcessedBytes_TCP', 'nlb.bytes.tcp'],
        ['ProcessedBytes_TLS', 'nlb.bytes.tls'],
        ['ProcessedBytes_UDP', 'nlb.bytes.udp'],
      ]),
    ),
    graph('TCP Flow', 'integer', [
      ['ActiveFlowCount', 'nlb.flowcount.active', 'Average'],
      ['NewFlowCount', 'nlb.flowcount.new', 'Sum'],
    ]),
    graph(
      'TCP Reset Packets',
      'integer',
      sum([
        ['TCP_Client_Reset_Count', 'nlb.tcp_reset.client_count'],
        ['TCP_Target_Reset_Count', 'nlb.tcp_reset.target_count'],
        ['TCP_ELB_Reset_Count', 'nlb.tcp_reset.elb_count'],
      ]),
    ),
    graph(
      'Established Active Flow',
      'integer',
      avg([
        ['ActiveFlowCount_TCP', 'nlb.established_active_flow.tcp'],
        ['ActiveFlowCount_TLS', 'nlb.established_active_flow.tls'],
        ['ActiveFlowCount_UDP', 'nlb.established_active_flow.udp'],
      ]),
    ),
    graph(
      'Consumed LCUs',
      'float',
      sum([
        ['ConsumedLCUs', 'nlb.consumed_lcus.all'],
        ['ConsumedLCUs_TCP', 'nlb.consumed_lcus.tcp'],
        ['ConsumedLCUs_TLS', 'nlb.consumed_lcus.tls'],
        ['ConsumedLCUs_UDP', 'nlb.consumed_lcus.udp'],
      ]),
    ),
    graph(
      'New Flow',
      'integer',
      sum([
        ['NewFlowCount_TCP', 'nlb.new_flow.tcp'],
        ['NewFlowCount_TLS', 'nlb.new_flow.tls'],
        ['NewFlowCount_UDP', 'nlb.new_flow.udp'],
      ]),
    ),
    graph(
      'TLS Negotiation Error',
      'integer',
      sum([
        ['TargetTLSNegotiationErrorCount', 'nlb.tls_negotiation_error.target'],
        ['ClientTLSNegotiationErrorCount', 'nlb.tls_negotiation_error.client'],
      ]),
    ),
  ],
};

const ELB: CollectedService = {
  id: 'ELB',
  namespace: 'AWS/ELB',
  size: 'micro',
  graphs: [
    graph('Request Count', 'integer', sum([['RequestCount', 'elb.count.request_count']])),
    graph(
      'Host Count',
      'float',
      avg([
        ['HealthyHostCount', 'elb.host_count.healthy'],
        ['UnHealthyHostCount', 'elb.host_count.unhealthy'],
      ]),
    ),
    graph('Latency', 'float', avg([['Latency', 'elb.latency.latency']])),
    graph(
      'HTTP Code ELB Count',
      'integer',
      sum([
        ['HTTPCode_ELB_4XX', 'elb.httpcode_elb.4xx'],
        ['HTTPCode_ELB_5XX', 'elb.httpcode_elb.5xx'],
      ]),
    ),
    graph(
      'HTTP Code Backend Count',
      'integer',
      sum([
        ['HTTPCode_Backend_2XX', 'elb.httpcode_backend.2xx'],
        ['HTTPCode_Backend_3XX', 'elb.httpcode_backend.3xx'],
        ['HTTPCode_Backend_4XX', 'elb.httpcode_backend.4xx'],
        ['HTTPCode_Backend_5XX', 'elb.httpcode_backend.5xx'],
      ]),
    ),
    graph(
      'Backend Connection Errors',
      'integer',
      sum([['BackendConnectionErrors', 'elb.errors.backend_connection_errors']]),
    ),
    graph('Surge Queue Length', 'integer', [
      ['SurgeQueueLength', 'elb.surge_queue.length', 'Maximum'],
      ['SpilloverCount', 'elb.surge_queue.spillover', 'Sum'],
    ]),
  ],
};

const RDS: CollectedService = {
  id: 'RDS',
  namespace: 'AWS/RDS',
  size: 'micro',
  graphs: [
    graph('CPU', 'percentage', avg([['CPUUtilization', 'rds.cpu.used']])),
    graph(
      'CPU Credit',
      'float',
      avg([
        ['CPUCreditUsage', 'rds.cpu_credit.used'],
        ['CPUCreditBalance', 'rds.cpu_credit.balance'],
      ]),
    ),
    graph('Database Connections', 'float', avg([['DatabaseConnections', 'rds.database_connections.used']])),
    graph('Disk Queue', 'float', avg([['DiskQueueDepth', 'rds.disk_queue.depth']])),
    graph('BinLog Disk Usage', 'bytes', avg([['BinLogDiskUsage', 'rds.disk_usage.bin_log']])),
    graph(
      'Memory',
      'bytes',
      avg([
        ['FreeableMemory', 'rds.memory.free'],
        ['SwapUsage', 'rds.memory.swap'],
      ]),
    ),
    graph('Free Storage Space', 'bytes', avg([['FreeStorageSpace', 'rds.disk.free']])),
    graph('Replica Lag', 'float', avg([['ReplicaLag', 'rds.replica_lag.lag']])),
    graph(
      'Disk IOPS',
      'iops',
      avg([
        ['ReadIOPS', 'rds.diskiops.read'],
        ['WriteIOPS', 'rds.diskiops.write'],
      ]),
    ),
    graph(
      'Disk Latency',
      'float',
      avg([
        ['ReadLatency', 'rds.latency.read'],
        ['WriteLatency', 'rds.latency.write'],
      ]),
    ),
    graph(
      'Disk Throughput',
      'bytes/sec',
      avg([
        ['ReadThroughput', 'rds.throughput.read'],
        ['WriteThroughput', 'rds.throughput.write'],
      ]),
    ),
    graph(
      'Network Throughput',
      'bytes/sec',
      avg([
        ['NetworkReceiveThroughput', 'rds.network_throughput.read'],
        ['NetworkTransmitThroughput', 'rds.network_throughput.transmit'],
      ]),
    ),
    graph('gp2 Storage Burst Balance', 'percentage', avg([['BurstBalance', 'rds.burst_balance.balance']])),
  ],
};

const ElastiCache: CollectedService = {
  id: 'ElastiCache',
  namespace: 'AWS/ElastiCache',
  size: 'micro',
  graphs: [
    graph('CPU', 'percentage', avg([['CPUUtilization', 'elasticache.cpu.used']])),
    graph(
      'CPU Credit',
      'float',
      avg([
        ['CPUCreditBalance', 'elasticache.cpu_credit.balance'],
        ['CPUCreditUsage', 'elasticache.cpu_credit.used'],
      ]),
    ),
    graph('Swap Usage', 'bytes', avg([['SwapUsage', 'elasticache.swap.usage']])),
    graph('Freeable Memory', 'bytes', avg([['FreeableMemory', 'elasticache.memory.freeable']])),
    graph(
      'Network Traffic',
      'bytes',
      avg([
        ['NetworkBytesIn', 'elasticache.network.in'],
        ['NetworkBytesOut', 'elasticache.network.out'],
      ]),
    ),
    graph(
      'Network Packets',
      'integer',
      sum([
        ['NetworkPacketsIn', 'elasticache.network_packets.in'],
        ['NetworkPacketsOut', 'elasticache.network_packets.out'],
      ]),
    ),
    graph(
      'Cache Hits/Misses',
      'float',
      avg([
        ['CacheHits', 'elasticache.redis.cache.cache_hits'],
        ['CacheMisses', 'elasticache.redis.cache.cache_misses'],
      ]),
    ),
    graph('Evictions', 'float', avg([['Evictions', 'elasticache.redis.evictions.evictions']])),
    graph('Memory', 'bytes', avg([['BytesUsedForCache', 'elasticache.redis.memory.used_for_cache']])),
    graph('Redis CPU', 'percentage', avg([['EngineCPUUtilization', 'elasticache.redis.cpu.engine']])),
    graph(
      'Connections',
      'float',
      avg([
        ['CurrConnections', 'elasticache.redis.connections.current'],
        ['NewConnections', 'elasticache.redis.connections.new'],
      ]),
    ),
    graph(
      'Items',
      'float',
      avg([
        ['CurrItems', 'elasticache.redis.items.current'],
        ['CurrVolatileItems', 'elasticache.redis.items.current_volatile'],
        ['Reclaimed', 'elasticache.redis.items.reclaimed'],
      ]),
    ),
    graph(
      'Memory Percentage',
      'percentage',
      avg([['DatabaseMemoryUsagePercentage', 'elasticache.redis.memory_percentage.database']]),
    ),
    graph('Replication Lag', 'float', avg([['ReplicationLag', 'elasticache.redis.replication_lag.lag']])),
  ],
};

const Lambda: CollectedService = {
  id: 'Lambda',
  namespace: 'AWS/Lambda',
  size: 'micro',
  graphs: [
    graph(
      'Count',
      'integer',
      sum([
        ['Invocations', 'lambda.count.invocations'],
        ['Errors', 'lambda.count.errors'],
        ['DeadLetterErrors', 'lambda.count.dead_letter_errors'],
        ['Throttles', 'lambda.count.throttles'],
      ]),
    ),
    graph('Duration [ms]', 'float', spread('Duration', 'lambda.duration')),
    graph('Iterator Age [ms]', 'float', spread('IteratorAge', 'lambda.iterator_age')),
  ],
};

const SQS: CollectedService = {
  id: 'SQS',
  namespace: 'AWS/SQS',
  size: 'micro',
  graphs: [
    graph('Oldest Age', 'integer', [['ApproximateAgeOfOldestMessage', 'sqs.oldest_message.age', 'Maximum']]),
    graph(
      'Message State Count',
      'float',
      avg([
        ['ApproximateNumberOfMessagesDelayed', 'sqs.message_state.delayed'],
        ['ApproximateNumberOfMessagesNotVisible', 'sqs.message_state.not_visible'],
        ['ApproximateNumberOfMessagesVisible', 'sqs.message_state.visible'],
      ]),
    ),
    graph(
      'Receive Count',
      'integer',
      sum([
        ['NumberOfEmptyReceives', 'sqs.receive_count.empty'],
        ['NumberOfMessagesReceived', 'sqs.receive_count.received'],
      ]),
    ),
    graph(
      'Message Count',
      'integer',
      sum([
        ['NumberOfMessagesDeleted', 'sqs.message_count.deleted'],
        ['NumberOfMessagesSent', 'sqs.message_count.sent'],
      ]),
    ),
    graph('Sent Message Size', 'bytes', spread('SentMessageSize', 'sqs.message_size')),
  ],
};

const DynamoDB: CollectedService = {
  id: 'DynamoDB',
  namespace: 'AWS/DynamoDB',
  size: 'micro',
  graphs: [
    graph('ReadCapacityUnits', 'float', [
      ['ProvisionedReadCapacityUnits', 'dynamodb.read_capacity_units.provisioned', 'Average'],
      ['ConsumedReadCapacityUnits', 'dynamodb.read_capacity_units.consumed', 'Sum'],
    ]),
    graph('WriteCapacityUnits', 'float', [
      ['ProvisionedWriteCapacityUnits', 'dynamodb.write_capacity_units.provisioned', 'Average'],
      ['ConsumedWriteCapacityUnits', 'dynamodb.write_capacity_units.consumed', 'Sum'],
    ]),
    graph(
      'ThrottleEvents',
      'integer',
      sum([
        ['ReadThrottleEvents', 'dynamodb.throttle_events.read_throttle_events'],
        ['WriteThrottleEvents', 'dynamodb.throttle_events.write_throttle_events'],
      ]),
    ),
    graph(
      'TimeToLiveDeletedItemCount',
      'integer',
      sum([['TimeToLiveDeletedItemCount', 'dynamodb.time_to_live_deleted_item_count.count']]),
    ),
  ],
};

/** REST APIs are named by `ApiName`, HTTP APIs by `ApiId` (AWS/ApiGateway either way). */
const APIGateway: CollectedService = {
  id: 'APIGateway',
  namespace: 'AWS/ApiGateway',
  size: 'micro',
  graphs: [
    graph('Requests', 'integer', sum([['Count', 'apigateway.requests.count']])),
    graph(
      'Errors',
      'integer',
      sum([
        ['4XXError', 'apigateway.errors.4xx_error'],
        ['5XXError', 'apigateway.errors.5xx_error'],
      ]),
    ),
    graph(
      'HTTP Errors',
      'integer',
      sum([
        ['4xx', 'apigateway.http_errors.4xx_error'],
        ['5xx', 'apigateway.http_errors.5xx_error'],
      ]),
    ),
    graph('Latency', 'float', [
      ['Latency', 'apigateway.latency.Latency.minimum', 'Minimum'],
      ['Latency', 'apigateway.latency.Latency.average', 'Average'],
      ['Latency', 'apigateway.latency.Latency.maximum', 'Maximum'],
    ]),
    graph('Integration Latency', 'float', [
      ['IntegrationLatency', 'apigateway.latency.IntegrationLatency.minimum', 'Minimum'],
      ['IntegrationLatency', 'apigateway.latency.IntegrationLatency.average', 'Average'],
      ['IntegrationLatency', 'apigateway.latency.IntegrationLatency.maximum', 'Maximum'],
    ]),
  ],
};

/** Graphs that only one kind of resource has: Redis engine metrics, REST-only and HTTP-only errors. */
const VARIANTS: [prefix: string, variant: string][] = [
  ['elasticache.redis.', 'redis'],
  ['apigateway.errors', 'rest'],
  ['apigateway.http_errors', 'http'],
];

const withVariants = (service: CollectedService): CollectedService => ({
  ...service,
  graphs: service.graphs.map((g) => {
    const v = VARIANTS.find(([prefix]) => `${g.name}.`.startsWith(prefix));
    return v ? { ...g, variant: v[1] } : g;
  }),
});

/** The services saba discovers and reads, by identifier. */
export const COLLECTED_SERVICES: ReadonlyMap<AwsServiceId, CollectedService> = new Map(
  [EC2, ELB, ALB, NLB, RDS, ElastiCache, Lambda, SQS, DynamoDB, APIGateway].map((s) => [
    s.id,
    withVariants(s),
  ]),
);

export const metricsOf = (service: CollectedService): CatalogMetric[] =>
  service.graphs.flatMap((g) => g.metrics);

/** `GET /api/v0/aws-integrations-excludable-metrics`: every metric saba collects, by service. */
export const excludableMetrics = (): Record<string, string[]> =>
  Object.fromEntries([...COLLECTED_SERVICES].map(([id, s]) => [id, metricsOf(s).map((m) => m.name)]));

/** The console's grouping of a service's metrics: one graph definition per catalog graph. */
export const graphDefsOf = (service: CollectedService): GraphDef[] =>
  service.graphs.map((g) => ({
    name: g.name,
    displayName: g.displayName,
    unit: g.unit,
    metrics: g.metrics.map((m) => ({ name: m.name, displayName: m.cloudwatch, isStacked: false })),
  }));
