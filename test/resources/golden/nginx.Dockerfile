# Rendered by imageci from an image form. Change the form, not this file.
FROM r.example.com/admin/centos-68:latest
# Front door for the team's sites.
RUN yum -y install nginx-1.9.15-5.el6 && yum clean all
ADD rootfs.tar.gz /
EXPOSE 80
EXPOSE 443/tcp
VOLUME ["/var/log/nginx"]
ENTRYPOINT ["/usr/local/nginx/sbin/nginx"]
CMD ["-c","/usr/local/nginx/conf/nginx.conf","-g","daemon off;"]
LABEL org.opencontainers.image.title="nginx 1.9 on CentOS 6" com.example.owner=web-team@example.com
