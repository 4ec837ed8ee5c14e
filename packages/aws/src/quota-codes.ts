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

/**
 * Service Quotas codes of "Running Dedicated <family> Hosts", by instance family (the part of
 * the type before the dot), as Nodepool maps them; a dedicated-host node uses 1 of its
 * family's code instead of vCPUs of the on-demand code.
 */
const DEDICATED_HOST_CODES: Readonly<Record<string, string>> = {
  a1: 'L-949445B0',
  c5: 'L-81657574',
  c5a: 'L-03F01FD8',
  c5d: 'L-C93F66A2',
  c5n: 'L-20F13EBD',
  c6a: 'L-D75D2E84',
  c6g: 'L-A749B537',
  c6i: 'L-5FA3355A',
  c7g: 'L-13B8FCE8',
  c7i: 'L-587AA6E3',
  g4dn: 'L-CAE24619',
  g5: 'L-A6E7FE5E',
  i3: 'L-8E60B0B1',
  i4i: 'L-0300530D',
  m5: 'L-8B7BF662',
  m5a: 'L-B10F70D6',
  m5d: 'L-8CCBD91B',
  m5n: 'L-24D7D4AD',
  m6a: 'L-80F2B67F',
  m6g: 'L-D50A37FA',
  m6i: 'L-D269BEFD',
  m7a: 'L-4740F819',
  m7g: 'L-9126620E',
  m7i: 'L-30E31217',
  mac1: 'L-A8448DC5',
  mac2: 'L-5D8DADF5',
  'mac2-m2': 'L-B90B5B66',
  'mac2-m2pro': 'L-14F120D1',
  r5: 'L-EA4FD6CF',
  r5a: 'L-8FE30D52',
  r5d: 'L-8814B54F',
  r6a: 'L-BC1589C5',
  r6g: 'L-B6D6065D',
  r6i: 'L-F13A970A',
  r7g: 'L-67B8B4C7',
  r7i: 'L-55E05032',
  t3: 'L-1586174D',
  x2idn: 'L-A84ABF80',
  z1d: 'L-F035E935',
};

/** The Dedicated Host quota code of an instance type's family; undefined when unknown. */
export function dedicatedHostQuotaCode(instanceType: string): string | undefined {
  const family = /^([a-z\d-]+)\./.exec(instanceType)?.[1];
  return family === undefined ? undefined : DEDICATED_HOST_CODES[family];
}

/** Every EC2 quota code here: the vCPU codes of instance families and the Dedicated Host codes. */
export const INSTANCE_QUOTA_CODES: ReadonlySet<string> = new Set(
  [
    ...Object.values(INSTANCE_FAMILY_CODES).flatMap(({ onDemand, spot }) => (spot ? [onDemand, spot] : [onDemand])),
    ...Object.values(DEDICATED_HOST_CODES),
  ],
);
