package dev.imageci.context;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Locale;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.SystemDefaultDnsResolver;

/**
 * Resolves the host of a rootfs download and refuses it when any of its addresses is not a public
 * one. The HTTP client connects only to the addresses checked here, so a name that resolves to a
 * public address at the check and to loopback a moment later (DNS rebinding) cannot slip through.
 */
final class ResolveAllowedHost implements DnsResolver {

  private final RootfsPolicy policy;

  ResolveAllowedHost(RootfsPolicy policy) {
    this.policy = policy;
  }

  @Override
  public InetAddress[] resolve(String host) throws UnknownHostException {
    InetAddress[] addresses = SystemDefaultDnsResolver.INSTANCE.resolve(host);
    if (policy.allowPrivateHosts() || isListed(host)) {
      return addresses;
    }
    for (InetAddress address : addresses) {
      String kind = nonPublicKind(address);
      if (kind != null) {
        throw new HostRefusedException(
            "host "
                + host
                + " resolves to "
                + address.getHostAddress()
                + ", "
                + kind
                + " address; downloads go to public addresses only (an administrator can allow"
                + " this host with "
                + RootfsPolicy.ALLOWED_HOSTS
                + " or all such hosts with "
                + RootfsPolicy.ALLOW_PRIVATE_HOSTS
                + "=true)");
      }
    }
    return addresses;
  }

  @Override
  public String resolveCanonicalHostname(String host) throws UnknownHostException {
    return SystemDefaultDnsResolver.INSTANCE.resolveCanonicalHostname(host);
  }

  private boolean isListed(String host) {
    return policy.allowedHosts().contains(bare(host));
  }

  /** The host as the allowlist spells it: lower case, IPv6 literals without brackets. */
  static String bare(String host) {
    String lower = host.toLowerCase(Locale.ROOT);
    return lower.startsWith("[") && lower.endsWith("]")
        ? lower.substring(1, lower.length() - 1)
        : lower;
  }

  /** Why {@code address} is not a public unicast address ("a loopback"), or null when it is. */
  static String nonPublicKind(InetAddress address) {
    if (address.isAnyLocalAddress()) {
      return "an unspecified";
    }
    if (address.isLoopbackAddress()) {
      return "a loopback";
    }
    if (address.isLinkLocalAddress()) {
      return "a link-local (cloud metadata among them)";
    }
    if (address.isSiteLocalAddress()) {
      return "a private";
    }
    if (address.isMulticastAddress()) {
      return "a multicast";
    }
    byte[] bytes = address.getAddress();
    if (address instanceof Inet4Address) {
      return ipv4Kind(bytes);
    }
    if (address instanceof Inet6Address) {
      return ipv6Kind(bytes);
    }
    return null;
  }

  private static String ipv4Kind(byte[] ip) {
    int first = ip[0] & 0xff;
    int second = ip[1] & 0xff;
    if (first == 0) {
      return "an unspecified";
    }
    if (first == 100 && (second & 0xc0) == 64) {
      return "a shared carrier-grade NAT";
    }
    if (first >= 240) {
      return "a reserved or broadcast";
    }
    return null;
  }

  private static String ipv6Kind(byte[] ip) {
    if ((ip[0] & 0xfe) == 0xfc) {
      return "a unique local (private)";
    }
    // IPv4-compatible (::a.b.c.d) and NAT64 (64:ff9b::a.b.c.d) addresses reach an IPv4 host.
    boolean compatible = isZero(ip, 0, 12);
    boolean nat64 =
        ip[0] == 0
            && ip[1] == 0x64
            && (ip[2] & 0xff) == 0xff
            && ip[3] == (byte) 0x9b
            && isZero(ip, 4, 12);
    if (compatible || nat64) {
      try {
        InetAddress embedded = InetAddress.getByAddress(Arrays.copyOfRange(ip, 12, 16));
        String kind = nonPublicKind(embedded);
        return kind == null ? null : kind + " (embedded IPv4)";
      } catch (UnknownHostException e) {
        throw new IllegalStateException("four bytes are always an IPv4 address", e);
      }
    }
    return null;
  }

  private static boolean isZero(byte[] bytes, int from, int to) {
    for (int i = from; i < to; i++) {
      if (bytes[i] != 0) {
        return false;
      }
    }
    return true;
  }

  /** A host that must not be downloaded from; the message says why and how to allow it. */
  static final class HostRefusedException extends UnknownHostException {
    private static final long serialVersionUID = 1L;

    HostRefusedException(String message) {
      super(message);
    }
  }
}
