/**
 * AWS Service Quotas codes, as Nodepool maps them. AWS publishes no mapping from instance type
 * to quota; the family prefix of the type's name (the letters before its first digit, e.g.
 * `t` of `t3.large`, `inf` of `inf2.xlarge`, `u-` of `u-6tb1.metal`) names the vCPU quota
 * of its "Running On-Demand ... instances" and "All ... Spot Instance Requests".
 */
const INSTANCE_FAMILY_CODES: Readonly<Record<string, { onDemand: string; spot?: string }>> = {
  ...Object.fromEntries(['a', 'c', 'd', 'h', 'i', 'm', 'r', 't', 'z'].map((family) => [family, { onDemand: 'L-1216C47A', spot: 'L-34B43A08' }])),
  dl: { onDemand: 'L-6E869C2A', spot: 'L-85EED4F7' },
  f: { onDemand: 'L-74FC7D96', spot: 'L-88CF9481' },
  g: { onDemand: 'L-DB2E81BA', spot: 'L-3819A6DF' },
  vt: { onDemand: 'L-DB2E81BA', spot: 'L-3819A6DF' },
  'u-': { onDemand: 'L-43DA4232' },
  inf: { onDemand: 'L-1945791B', spot: 'L-B5D1601B' },
  p: { onDemand: 'L-417A185B', spot: 'L-7212CCBC' },
  x: { onDemand: 'L-7295265B', spot: 'L-E3A00192' },
  trn: { onDemand: 'L-2C3B7624', spot: 'L-6B0D517C' },
  hpc: { onDemand: 'L-F7808C92' },
};

/** EBS quotas by volume type: provisioned storage (TiB in Service Quotas) and, for io1/io2, IOPS. */
const VOLUME_TYPE_CODES: Readonly<Record<string, { storage: string; iops?: string }>> = {
  gp2: { storage: 'L-D18FCD1D' },
  gp3: { storage: 'L-7A658B76' },
  io1: { storage: 'L-FD252861', iops: 'L-B3A130E6' },
  io2: { storage: 'L-09BD8365', iops: 'L-8D977E7E' },
  sc1: { storage: 'L-17AF77E8' },
  st1: { storage: 'L-82ACEF56' },
  standard: { storage: 'L-9CF3C2EB' },
};

/** Every EC2 vCPU quota code above. */
export const INSTANCE_QUOTA_CODES: ReadonlySet<string> = new Set(
  Object.values(INSTANCE_FAMILY_CODES).flatMap(({ onDemand, spot }) => (spot ? [onDemand, spot] : [onDemand])),
);

/** Every EBS storage quota code above (their values are TiB in Service Quotas, GiB in a QuotaSet). */
export const STORAGE_QUOTA_CODES: ReadonlySet<string> = new Set(Object.values(VOLUME_TYPE_CODES).map(({ storage }) => storage));

/** The vCPU quota code of an instance type when run on demand or as spot; undefined when unknown. */
export function instanceQuotaCode(instanceType: string, spot: boolean): string | undefined {
  const family = /^([a-z-]+)\d/.exec(instanceType)?.[1];
  const codes = family === undefined ? undefined : INSTANCE_FAMILY_CODES[family];
  return spot ? codes?.spot : codes?.onDemand;
}

/** The EBS quota codes of a volume type; undefined when unknown. */
export function volumeQuotaCodes(volumeType: string): { storage: string; iops?: string } | undefined {
  return VOLUME_TYPE_CODES[volumeType];
}
