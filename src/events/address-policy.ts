import dns from 'node:dns';
import net from 'node:net';

/**
 * Which addresses a webhook may be sent to when OPENCHECKOUT_WEBHOOK_BLOCK_PRIVATE is set
 * (docs/decisions.md#webhook-url-policy): none that reaches the server's own network — private,
 * loopback, link-local, CGNAT, unique-local IPv6, multicast, reserved, and the cloud metadata
 * services. Checked on the URL at endpoint create/update and on every resolved address at
 * connect time, so a name that later resolves to such an address (DNS rebinding) fails the attempt.
 */

const blocked = new net.BlockList();
for (const [net4, prefix] of [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // CGNAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, with 169.254.169.254 (AWS, GCP, Azure metadata)
  ['172.16.0.0', 12],
  ['192.0.0.0', 24], // IETF protocol assignments (192.0.0.192 is Oracle Cloud's metadata)
  ['192.168.0.0', 16],
  ['198.18.0.0', 15], // benchmarking
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const) {
  blocked.addSubnet(net4, prefix, 'ipv4');
}
for (const [net6, prefix] of [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['fc00::', 7], // unique local, with fd00:ec2::254 (AWS metadata over IPv6)
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
] as const) {
  blocked.addSubnet(net6, prefix, 'ipv6');
}

/** The IPv4 address an IPv6 address carries (IPv4-mapped ::ffff:a.b.c.d, NAT64 64:ff9b::/96, IPv4-compatible ::a.b.c.d), if any. */
function embeddedIpv4(ip: string): string | undefined {
  const lower = ip.toLowerCase();
  const dotted = /^(?:::ffff:|::ffff:0:|64:ff9b::|::)(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (dotted) return dotted[1];
  const hex = /^(?:::ffff:|64:ff9b::|::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (hex) {
    const hi = parseInt(hex[1] as string, 16);
    const lo = parseInt(hex[2] as string, 16);
    return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  }
  return undefined;
}

/** True when `ip` (a literal IPv4 or IPv6 address) is one a shared install must not send webhooks to. */
export function isBlockedAddress(ip: string): boolean {
  const family = net.isIP(ip);
  if (family === 4) return blocked.check(ip, 'ipv4');
  if (family !== 6) return false;
  const v4 = embeddedIpv4(ip.replace(/%.*$/, ''));
  if (v4 !== undefined) return blocked.check(v4, 'ipv4');
  return blocked.check(ip.replace(/%.*$/, ''), 'ipv6');
}

/** Names that always mean this machine or a metadata service, whatever DNS says. */
const BLOCKED_NAMES = /^(?:localhost|.*\.localhost|metadata\.google\.internal|metadata|instance-data(?:\..*)?)\.?$/i;

/**
 * Why a webhook URL's host is refused, or undefined when it may be used: an address literal is
 * judged here; a name is refused only when it is one of the local or metadata names, and is
 * otherwise checked on its resolved addresses when a delivery connects (`checkedLookup`).
 */
export function refusedHost(hostname: string): string | undefined {
  const host = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  if (net.isIP(host) !== 0) return isBlockedAddress(host) ? `${host} is a private, loopback, link-local or metadata address` : undefined;
  if (BLOCKED_NAMES.test(host)) return `${host} names this machine or a metadata service`;
  return undefined;
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | dns.LookupAddress[], family?: number) => void;

/**
 * A `lookup` for the delivery agents: resolves as `dns.lookup` does, then fails with EADDRBLOCKED
 * when any resolved address is blocked, so the socket never connects to it.
 */
export function checkedLookup(hostname: string, options: dns.LookupOptions, callback: LookupCallback): void {
  dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, '');
    const bad = addresses.find((a) => isBlockedAddress(a.address));
    if (bad) {
      const refused: NodeJS.ErrnoException = new Error(
        `refused: ${hostname} resolves to ${bad.address}, a private, loopback, link-local or metadata address (OPENCHECKOUT_WEBHOOK_BLOCK_PRIVATE)`,
      );
      refused.code = 'EADDRBLOCKED';
      return callback(refused, '');
    }
    if (options.all) return callback(null, addresses);
    const first = addresses[0];
    if (!first) return callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), '');
    callback(null, first.address, first.family);
  });
}
