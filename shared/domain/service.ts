export interface Service {
  orgId: string;
  name: string;
  memo: string;
  createdAt: number;
}

export interface Role {
  orgId: string;
  service: string;
  name: string;
  memo: string;
  createdAt: number;
}

export type MetadataTarget =
  | { kind: 'host'; hostId: string }
  | { kind: 'service'; service: string }
  | { kind: 'role'; service: string; role: string };

export interface MetadataEntry {
  namespace: string;
  /** The JSON text exactly as it was PUT. */
  json: string;
  updatedAt: number;
}
