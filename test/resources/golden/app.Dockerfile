# Rendered by imageci from an image form. Change the form, not this file.
FROM r.example.com/base/debian:12@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
# Payments ledger.
# Owner: payments team (#payments).
#
# Rebuild after every JDK update.
ENV JAVA_OPTS="-Xmx512m -Dfile.encoding=UTF-8"
ENV APP_HOME=/opt/ledger
ENV GREETING="say \"hi\" to \$USER, it costs \$5 \\o/"
ENV EMPTY=""
RUN apt-get update && apt-get install -y --no-install-recommends openjdk-17-jre-headless
RUN ["/bin/sh","-c","set -eu\ngroupadd --gid 1000 ledger\nuseradd --uid 1000 --gid 1000 --home-dir /opt/ledger ledger\n"]
RUN ["/bin/sh","-c","[ -d /opt/ledger ] || mkdir -p /opt/ledger"]
RUN find /opt/ledger -name '*.sh' -exec chmod 0755 {} \;
ADD rootfs.tar.gz /
WORKDIR /opt/ledger
RUN /opt/ledger/bin/setup --prefix "$APP_HOME"
RUN ["/bin/sh","-c","cat > /etc/motd <<EOF\nLedger $(cat /opt/ledger/VERSION)\nEOF\n"]
USER ledger:ledger
EXPOSE 8080
EXPOSE 8443
EXPOSE 9090/udp
VOLUME ["/opt/ledger/data","\"/var/log/ledger files\""]
ENTRYPOINT ["/opt/ledger/bin/ledger"]
CMD ["--config","/opt/ledger/conf/ledger.yaml","--greeting","hello $USER"]
LABEL com.example.team=payments com.example.description="Ledger service; costs \"\$0\" to run"
