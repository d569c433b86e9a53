package dev.imageci.context;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ResolveAllowedHostTest {

  private final ResolveAllowedHost resolver = new ResolveAllowedHost(RootfsPolicy.defaults());

  @ParameterizedTest
  @CsvSource({
    "127.0.0.1, a loopback",
    "127.1.2.3, a loopback",
    "::1, a loopback",
    "localhost, a loopback",
    "10.1.2.3, a private",
    "172.16.0.1, a private",
    "192.168.1.1, a private",
    "169.254.169.254, a link-local",
    "fe80::1, a link-local",
    "fd00::1, a unique local",
    "fc00::1, a unique local",
    "100.64.0.1, a shared carrier-grade NAT",
    "100.127.255.254, a shared carrier-grade NAT",
    "0.0.0.0, an unspecified",
    "::, an unspecified",
    "224.0.0.1, a multicast",
    "ff02::1, a multicast",
    "255.255.255.255, a reserved or broadcast",
    "::ffff:127.0.0.1, a loopback",
    "64:ff9b::a9fe:a9fe, a link-local",
  })
  void refusesNonPublicAddresses(String host, String kind) {
    assertThatThrownBy(() -> resolver.resolve(host))
        .isInstanceOf(ResolveAllowedHost.HostRefusedException.class)
        .hasMessageContaining("host " + host + " resolves to ")
        .hasMessageContaining(", " + kind)
        .hasMessageContaining("IMAGECI_ROOTFS_ALLOW_PRIVATE_HOSTS=true");
  }

  @ParameterizedTest
  @ValueSource(strings = {"93.184.215.14", "100.128.0.1", "172.32.0.1", "2606:4700::1111"})
  void passesPublicAddresses(String host) throws Exception {
    assertThat(resolver.resolve(host)).containsExactly(InetAddress.getByName(host));
  }

  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1", "10.0.0.1", "169.254.169.254"})
  void passesEverythingWhenTheAdministratorAllowsPrivateHosts(String host) throws Exception {
    ResolveAllowedHost open =
        new ResolveAllowedHost(RootfsPolicy.defaults().withAllowPrivateHosts(true));

    assertThat(open.resolve(host)).containsExactly(InetAddress.getByName(host));
  }

  @ParameterizedTest
  @ValueSource(strings = {"10.0.0.1", "[fd00::1]"})
  void passesAListedHostWhateverItsAddress(String host) throws Exception {
    RootfsPolicy policy =
        RootfsPolicy.fromEnvironment(Map.of("IMAGECI_ROOTFS_ALLOWED_HOSTS", "10.0.0.1,FD00::1"));

    assertThat(new ResolveAllowedHost(policy).resolve(host)).hasSize(1);
  }
}
