import { describe, expect, it } from 'vitest';
import { createAddressGuard, REMEMBERED_VERDICTS } from './ssrf-guard.js';

describe('createAddressGuard without an allow-list', () => {
  const guard = createAddressGuard([]);

  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['::1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.254', 'private'],
    ['192.168.178.1', 'private'],
    ['fc00::1', 'uniqueLocal'],
    ['fd12:3456::1', 'uniqueLocal'],
    ['169.254.169.254', 'linkLocal'],
    ['169.254.0.1', 'linkLocal'],
    ['fe80::1', 'linkLocal'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['100.127.255.254', 'carrierGradeNat'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['ff02::1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['192.0.2.10', 'reserved'],
    ['240.0.0.1', 'reserved'],
    ['2001:db8::1', 'reserved'],
    ['fd00:ec2::254', 'cloud metadata'],
    ['::ffff:127.0.0.1', 'loopback (embedded in IPv6)'],
    ['::ffff:169.254.169.254', 'linkLocal (embedded in IPv6)'],
    ['::ffff:10.0.0.1', 'private (embedded in IPv6)'],
    ['64:ff9b::a00:1', 'private (embedded in IPv6)'],
    ['64:ff9b:1::1', 'local-use NAT64'],
    ['2002:7f00:1::', 'loopback (embedded in IPv6)'],
    ['::7f00:1', 'loopback (embedded in IPv6)'],
  ])('refuses %s (%s)', (ip, reason) => {
    expect(guard.isAllowed(ip)).toBe(false);
    expect(guard.blockReason(ip)).toBe(reason);
  });

  it.each([
    '93.184.215.14',
    '1.1.1.1',
    '172.32.0.1',
    '100.128.0.1',
    '2606:4700:4700::1111',
    '::ffff:93.184.215.14',
    '64:ff9b::5db8:d70e',
  ])('allows the public address %s', (ip) => {
    expect(guard.isAllowed(ip)).toBe(true);
    expect(guard.blockReason(ip)).toBeNull();
  });

  it('refuses what is not an IP address', () => {
    expect(guard.isAllowed('example.com')).toBe(false);
    expect(guard.isAllowed('')).toBe(false);
    expect(guard.blockReason('999.1.1.1')).toBe('not an IP address');
  });

  it('accepts bracketed IPv6 literals as URLs write them', () => {
    expect(guard.isAllowed('[::1]')).toBe(false);
    expect(guard.isAllowed('[2606:4700:4700::1111]')).toBe(true);
  });

  it('allows no host by name', () => {
    expect(guard.isAllowedHost('localhost')).toBe(false);
  });
});

describe('createAddressGuard with an allow-list', () => {
  const guard = createAddressGuard([
    '10.0.0.0/8',
    '192.168.1.20',
    '::1',
    ' CRM.Internal. ',
    '',
    'fd00::/8',
    'not/a/cidr',
  ]);

  it('allows addresses inside an allow-listed CIDR', () => {
    expect(guard.isAllowed('10.200.3.4')).toBe(true);
    expect(guard.isAllowed('::ffff:10.200.3.4')).toBe(true);
    expect(guard.isAllowed('fd12::1')).toBe(true);
    expect(guard.isAllowed('fd00:ec2::254')).toBe(true);
  });

  it('allows a single allow-listed IP but not its neighbours', () => {
    expect(guard.isAllowed('192.168.1.20')).toBe(true);
    expect(guard.isAllowed('192.168.1.21')).toBe(false);
    expect(guard.isAllowed('::1')).toBe(true);
    expect(guard.isAllowed('127.0.0.1')).toBe(false);
  });

  it('still refuses blocked ranges that are not listed', () => {
    expect(guard.blockReason('169.254.169.254')).toBe('linkLocal');
    expect(guard.blockReason('172.16.0.1')).toBe('private');
  });

  it('matches host names exactly and case-insensitively', () => {
    expect(guard.isAllowedHost('crm.internal')).toBe(true);
    expect(guard.isAllowedHost('CRM.INTERNAL')).toBe(true);
    expect(guard.isAllowedHost('crm.internal.')).toBe(true);
    expect(guard.isAllowedHost('evil.crm.internal')).toBe(false);
    expect(guard.isAllowedHost('crm.internal.evil.com')).toBe(false);
  });
});

describe('createAddressGuard remembering its verdicts', () => {
  it('answers an address the same when asked again, also after it forgot every verdict', () => {
    const guard = createAddressGuard(['192.168.1.20']);
    const asked = ['192.168.1.20', '192.168.1.21', '8.8.8.8', 'not-an-ip', '::1'];
    const first = asked.map((ip) => guard.blockReason(ip));
    expect(first).toEqual([null, 'private', null, 'not an IP address', 'loopback']);
    expect(asked.map((ip) => guard.blockReason(ip))).toEqual(first);
    // More distinct addresses than it remembers: it forgets them all, then judges afresh.
    for (let i = 0; i <= REMEMBERED_VERDICTS; i++)
      expect(guard.blockReason(`10.0.${i >> 8}.${i & 255}`)).toBe('private');
    expect(asked.map((ip) => guard.blockReason(ip))).toEqual(first);
  });
});
