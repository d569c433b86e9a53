<#-- Every value arrives escaped by DockerfileSyntax; this template only places it. -->
${header}
FROM ${from}
<#list remarks as line>
${line}
</#list>
<#list env as pair>
ENV ${pair}
</#list>
<#list run as command>
RUN ${command}
</#list>
<#if rootfs?has_content>
ADD ${rootfs} /
</#if>
<#if workdir?has_content>
WORKDIR ${workdir}
</#if>
<#list runAfterRootfs as command>
RUN ${command}
</#list>
<#if user?has_content>
USER ${user}
</#if>
<#list expose as port>
EXPOSE ${port}
</#list>
<#if volumes?has_content>
VOLUME ${volumes}
</#if>
<#if entrypoint?has_content>
ENTRYPOINT ${entrypoint}
</#if>
<#if cmd?has_content>
CMD ${cmd}
</#if>
<#list labels as line>
LABEL ${line}
</#list>
