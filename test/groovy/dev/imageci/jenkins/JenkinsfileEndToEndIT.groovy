package dev.imageci.jenkins

import static org.assertj.core.api.Assertions.assertThat
import static org.assertj.core.api.Assertions.assertThatThrownBy

import groovy.json.JsonSlurper
import java.nio.file.Path
import java.nio.file.Paths
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Tag
import org.junit.jupiter.api.Tags
import org.junit.jupiter.api.Test

/**
 * The Jenkinsfile on a real agent with the real CLI, daemon, registry (with authentication) and
 * history: it builds, pushes and records an image; a run whose commands are hostile shell text
 * runs them only inside the image build; a failed build is recorded too.
 *
 * Needs imageci build and imageci history (tagged needs-imageci-build, which failsafe leaves out
 * until they are merged: see imageci.it.excludedGroups in pom.xml).
 */
// Groovy 2.4 has no repeatable annotations: the container annotation holds the tags.
@Tags([@Tag('docker'), @Tag('registry'), @Tag('needs-imageci-build')])
class JenkinsfileEndToEndIT extends EndToEndSupport {

    String registry
    String repository

    @BeforeEach
    void setUpRealAgent() {
        setUpAgent()
        registry = required('IMAGECI_TEST_REGISTRY')
        repository = registry + '/imageci-e2e/web-' + suffix
        credentials['registry'] = [required('IMAGECI_TEST_REGISTRY_USER'),
                                   required('IMAGECI_TEST_REGISTRY_PASSWORD')]
    }

    @Test
    void buildsPushesAndRecordsAnImage() {
        declarative.buildParameters = [IMAGE: repository, TAG: 'e2e',
            BASE_IMAGE: required('IMAGECI_TEST_BASE_IMAGE'), COMMANDS: 'echo hello > /hello\n',
            CREDENTIALS_ID: 'registry', TIMEOUT_MINUTES: '10', REQUEST_ID: 'e2e-' + suffix]

        runScript('Jenkinsfile')

        Map result = new JsonSlurper().parse(real.archiveDir.resolve('imageci/result.json')
            .toFile())
        assertThat(result.status).isEqualTo('succeeded')
        assertThat(result.requestId).isEqualTo('e2e-' + suffix)
        assertThat(result.digest).isEqualTo(registryDigest('e2e'))
        assertThat(real.archiveDir.resolve('imageci/Dockerfile').text)
            .contains('RUN echo hello > /hello')
        assertThat(currentBuild().description).isEqualTo(repository + '@' + result.digest)
        assertThat(declarative.stageResults.values()).containsOnly('succeeded')

        List records = new JsonSlurper().parseText(imageci('history', repository, '--json'))
        assertThat(records.find { String.valueOf(it.id) == String.valueOf(result.historyId) })
            .isNotNull()
        assertThat(real.log.toString()).doesNotContain(credentials['registry'][1])
    }

    @Test
    void runsHostileCommandsOnlyInsideTheImageBuild() {
        List<Path> markers = (1..3).collect { Paths.get('/tmp/imageci-e2e-' + suffix + '-' + it) }
        declarative.buildParameters = [IMAGE: repository, TAG: 'hostile',
            BASE_IMAGE: required('IMAGECI_TEST_BASE_IMAGE'),
            COMMANDS: 'touch ' + markers[0] + '; echo "$(id)" `touch ' + markers[1] + '`\n' +
                'echo \'it\'"s" > ' + markers[2],
            CREDENTIALS_ID: 'registry']

        runScript('Jenkinsfile')

        markers.each { assertThat(it).doesNotExist() }
        assertThat(registryDigest('hostile')).startsWith('sha256:')
    }

    @Test
    void recordsAFailedBuildInTheHistory() {
        declarative.buildParameters = [IMAGE: repository, TAG: 'broken',
            BASE_IMAGE: required('IMAGECI_TEST_BASE_IMAGE'), COMMANDS: 'exit 3',
            CREDENTIALS_ID: 'registry', REQUEST_ID: 'broken-' + suffix]

        assertThatThrownBy { runScript('Jenkinsfile') }
            .hasMessageStartingWith('imageciBuild: the build of imageci/form.json failed')

        List records = new JsonSlurper().parseText(imageci('history', repository, '--status',
            'failed', '--json'))
        assertThat(records).isNotEmpty()
        assertThat(real.archiveDir.resolve('imageci/result.json')).exists()
    }

    private String registryDigest(String tag) {
        String path = repository.substring(registry.length() + 1)
        Process curl = new ProcessBuilder('curl', '-sfI', '-u', credentials['registry'].join(':'),
            '-H', 'Accept: application/vnd.docker.distribution.manifest.v2+json',
            '-H', 'Accept: application/vnd.oci.image.manifest.v1+json',
            'http://' + registry + '/v2/' + path + '/manifests/' + tag).start()
        String headers = curl.inputStream.text
        assert curl.waitFor() == 0: 'no manifest for ' + repository + ':' + tag
        return headers.readLines().find { it.toLowerCase().startsWith('docker-content-digest:') }
            .split(':', 2)[1].trim()
    }
}
