# Rendered by imageci from an image form. Change the form, not this file.
FROM scratch
ADD rootfs.tar /
RUN /bin/busybox --install -s /bin
USER 65534
ENTRYPOINT ["/bin/sh"]
CMD ["-c","echo hello from scratch"]
