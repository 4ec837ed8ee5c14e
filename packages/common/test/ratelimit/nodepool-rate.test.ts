import { describe, expect, it } from 'vitest';
import { describeRate, effectiveRatePerSecond } from '../../src/ratelimit/index.js';

describe('effectiveRatePerSecond', () => {
  it('reads aws and azure rate as requests per second', () => {
    expect(effectiveRatePerSecond('aws', 5)).toBe(5);
    expect(effectiveRatePerSecond('azure', 0.5)).toBe(0.5);
  });

  it('reads openstack rate as seconds between requests', () => {
    expect(effectiveRatePerSecond('openstack', 0.5)).toBe(2);
    expect(effectiveRatePerSecond('openstack', 4)).toBe(0.25);
  });

  it("uses each driver's default when rate is absent", () => {
    expect(effectiveRatePerSecond('aws', undefined)).toBe(2);
    expect(effectiveRatePerSecond('azure', undefined)).toBe(1);
    expect(effectiveRatePerSecond('openstack', undefined)).toBe(1);
  });

  it.each(['aws', 'azure', 'openstack'])('rejects a %s rate that is not a positive finite number', (driver) => {
    for (const rate of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => effectiveRatePerSecond(driver, rate)).toThrow(new RegExp(`^${driver} rate must be a positive number`));
    }
  });

  it('rejects a driver whose rate it does not know', () => {
    expect(() => effectiveRatePerSecond('gce', 1)).toThrow('unknown driver "gce": rate is defined for aws, azure, openstack, fake');
  });
});

describe('describeRate', () => {
  it('states the unit of the configured value and the resulting requests per second', () => {
    expect(describeRate('openstack', 0.5)).toBe('openstack rate 0.5 (seconds between calls) = 2 requests/s');
    expect(describeRate('openstack', 3)).toBe('openstack rate 3 (seconds between calls) = 0.3333 requests/s');
    expect(describeRate('aws', 10)).toBe('aws rate 10 (requests per second) = 10 requests/s');
  });

  it('says when the default applies', () => {
    expect(describeRate('azure', undefined)).toBe('azure rate 1 (default; requests per second) = 1 requests/s');
    expect(describeRate('openstack', undefined)).toBe('openstack rate 1 (default; seconds between calls) = 1 requests/s');
  });

  it('rejects what effectiveRatePerSecond rejects', () => {
    expect(() => describeRate('openstack', 0)).toThrow(/positive number/);
  });
});
