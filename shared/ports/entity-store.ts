import type { ApiKey } from '../domain/api-key.ts';
import type { Dashboard } from '../domain/dashboard.ts';
import type { Embed } from '../domain/embed.ts';
import type { GraphAnnotation, GraphDef } from '../domain/graphs.ts';
import type { Host, HostSummary } from '../domain/host.ts';
import type { AwsIntegration, CloudResourceRecord } from '../domain/integrations/aws-integration.ts';
import type { Org } from '../domain/org.ts';
import type { MetadataEntry, MetadataTarget, Role, Service } from '../domain/service.ts';
import type { LabeledSeriesIndex } from './labeled-series.ts';
import type { Collection, MonitoringStore } from './monitoring-store.ts';

/**
 * Everything but metrics. Writes are single-item and conditional (no transactions: dynalite has none),
 * so every multi-item change is ordered to be safe to retry.
 */
export interface EntityStore extends MonitoringStore {
  /** Labeled metrics' series (OpenTelemetry's), by name and by label. */
  labeledSeries: LabeledSeriesIndex;
  orgs: {
    get(orgId: string): Promise<Org | undefined>;
    /** Fails with ConflictError if the organization exists. */
    create(org: Org): Promise<void>;
    /** Replaces the settings of an organization that exists (NotFoundError otherwise). */
    update(org: Org): Promise<void>;
    list(): Promise<Org[]>;
  };
  apiKeys: {
    findByHash(hash: string): Promise<ApiKey | undefined>;
    create(key: ApiKey): Promise<void>;
    list(orgId: string): Promise<ApiKey[]>;
    /** Returns false when there was no such key. */
    revoke(orgId: string, keyId: string): Promise<boolean>;
  };
  hosts: {
    get(orgId: string, hostId: string): Promise<Host | undefined>;
    /** Every host of the organization, retired ones included. */
    list(orgId: string): Promise<Host[]>;
    /**
     * Every live host without its spec (meta, interfaces, checks): what the checker reads each minute.
     * Kept beside the hosts by `saveHost`; retired hosts have none.
     */
    listSummaries(orgId: string): Promise<HostSummary[]>;
    /** The summaries of these hosts (retired and unknown ones are left out): the hot path's small read. */
    getSummaries(orgId: string, hostIds: string[]): Promise<HostSummary[]>;
    putSummary(orgId: string, summary: HostSummary): Promise<void>;
    /** Records that a summary changed in a way a cache must see (epoch ms), and reads it back. */
    markChanged(orgId: string, at: number): Promise<void>;
    changedAt(orgId: string): Promise<number>;
    removeSummary(orgId: string, hostId: string): Promise<void>;
    /** The hosts with these ids (unknown ids are left out), in batches. */
    getMany(orgId: string, hostIds: string[]): Promise<Host[]>;
    /** Writes the host if its stored version is `host.version - 1` (or it is new at version 1); else StaleWriteError. */
    save(host: Host): Promise<void>;
    /** Host id holding this custom identifier, if any. */
    customIdentifierOwner(orgId: string, customIdentifier: string): Promise<string | undefined>;
    /** Claims the identifier for the host; replaces a claim only if it is still held by `previousOwner`. */
    claimCustomIdentifier(
      orgId: string,
      customIdentifier: string,
      hostId: string,
      previousOwner?: string,
    ): Promise<boolean>;
    releaseCustomIdentifier(orgId: string, customIdentifier: string, hostId: string): Promise<void>;
  };
  services: {
    get(orgId: string, name: string): Promise<Service | undefined>;
    list(orgId: string): Promise<Service[]>;
    /** Returns false if it already existed. */
    create(service: Service): Promise<boolean>;
    delete(orgId: string, name: string): Promise<void>;
  };
  roles: {
    get(orgId: string, service: string, name: string): Promise<Role | undefined>;
    /** All roles of the organization, or of one service. */
    list(orgId: string, service?: string): Promise<Role[]>;
    create(role: Role): Promise<boolean>;
    delete(orgId: string, service: string, name: string): Promise<void>;
  };
  metadata: {
    get(orgId: string, target: MetadataTarget, namespace: string): Promise<MetadataEntry | undefined>;
    list(orgId: string, target: MetadataTarget): Promise<MetadataEntry[]>;
    put(orgId: string, target: MetadataTarget, entry: MetadataEntry): Promise<void>;
    /** Returns false when there was nothing to delete. */
    delete(orgId: string, target: MetadataTarget, namespace: string): Promise<boolean>;
  };
  /**
   * Which hosts carry a role: an index kept beside the hosts so role graphs and role-filtered lists
   * read one partition, never every host. Readers confirm against the host itself.
   */
  roleMembers: {
    add(orgId: string, service: string, role: string, hostId: string): Promise<void>;
    remove(orgId: string, service: string, role: string, hostId: string): Promise<void>;
    /** Host ids of one role, or of every role of the service. */
    hostIds(orgId: string, service: string, role?: string): Promise<string[]>;
  };
  dashboards: Collection<Dashboard>;
  embeds: Collection<Embed>;
  /** Each organization's secret for signing embed links. */
  embedSecrets: {
    get(orgId: string): Promise<string | undefined>;
    /** Stores it if the organization has none; false when it had one. */
    create(orgId: string, secret: string): Promise<boolean>;
  };
  graphDefs: {
    list(orgId: string): Promise<GraphDef[]>;
    /** Creates or replaces by name (the agent re-posts its definitions at every start). */
    put(orgId: string, def: GraphDef): Promise<void>;
    delete(orgId: string, name: string): Promise<boolean>;
  };
  awsIntegrations: Collection<AwsIntegration>;
  /** Which host each resource an integration found became, by custom identifier. */
  cloudResources: Collection<CloudResourceRecord>;
  /** The organization's external ID for cross-account roles (one, reused until no integration holds it). */
  awsExternalIds: Collection<{ id: string; externalId: string }>;
  annotations: {
    get(orgId: string, id: string): Promise<GraphAnnotation | undefined>;
    list(orgId: string): Promise<GraphAnnotation[]>;
    put(orgId: string, annotation: GraphAnnotation): Promise<void>;
    delete(orgId: string, id: string): Promise<boolean>;
  };
}
