package dev.imageci.jenkins

import static org.assertj.core.api.Assertions.assertThat
import static org.assertj.core.api.Assertions.assertThatThrownBy

import groovy.json.JsonSlurper
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test

/** The generic Jenkinsfile, run by the DeclarativeInterpreter on a FakeAgent. */
class JenkinsfileTest extends PipelineTestSupport {

    static final List<String> STAGES = ['Verify', 'Generate Dockerfile', 'Build image',
                                        'Push image', 'Record history']

    FakeAgent fake = (FakeAgent) agent

    @BeforeEach
    void setUpLibrary() {
        setUpPipeline()
        FakeImageci.succeed(fake)
        credentials['registry'] = ['bot', 's3cret']
    }

    @Test
    void declaresItsParametersAndStopsAtVerifyWithOnlyTheDefaults() {
        // A first run, as Jenkins does it before the job knows its parameters.
        assertThatThrownBy { runScript('Jenkinsfile') }
            .hasMessage('imageciForm: give the config text, or at least the image name and ' +
                'base image')

        assertThat(declarative.parameters.collectEntries { name, spec -> [name, spec.type] })
            .isEqualTo([CONFIG: 'text', IMAGE: 'string', TAG: 'string', BASE_IMAGE: 'string',
                ROOTFS_URL: 'string', COMMANDS: 'text', CREDENTIALS_ID: 'string',
                PUSH: 'booleanParam', TIMEOUT_MINUTES: 'string', REQUEST_ID: 'string'])
        assertThat(declarative.parameters.PUSH.defaultValue).isEqualTo(true)
        assertThat(declarative.parameters.TIMEOUT_MINUTES.defaultValue).isEqualTo('60')
        assertThat(declarative.agentLabel).isEqualTo('docker')
        assertThat(declarative.options.buildDiscarder).isEqualTo([logRotator:
            [numToKeepStr: '200', artifactNumToKeepStr: '50']])
    }

    @Test
    void runsEveryStageFromTheSeparateFields() {
        declarative.buildParameters = [IMAGE: 'r.example.com/team/web', TAG: 'auto',
            BASE_IMAGE: 'busybox', COMMANDS: 'echo one\necho two', CREDENTIALS_ID: 'registry',
            TIMEOUT_MINUTES: '15', REQUEST_ID: 'ui-77']

        runScript('Jenkinsfile')

        assertThat(declarative.stageResults.keySet()).containsExactlyElementsOf(STAGES)
        assertThat(declarative.stageResults.values()).containsOnly('succeeded')
        assertThat(declarative.options.timeout).isEqualTo([time: 15, unit: 'MINUTES'])
        assertThat(new JsonSlurper().parseText(fake.files['imageci/form.json']))
            .isEqualTo([image: 'r.example.com/team/web', tag: 'auto', from: 'busybox',
                run: ['echo one', 'echo two']])
        Map build = fake.scriptsContaining(' build ').first()
        assertThat(build.env).containsEntry('IMAGECI_CONFIG', 'imageci/form.json')
            .containsEntry('IMAGECI_PUSH', 'true').containsEntry('IMAGECI_REQUEST_ID', 'ui-77')
            .containsEntry('IMAGECI_TIMEOUT_MINUTES', '15')
            .containsEntry('IMAGECI_REGISTRY_PASSWORD', 's3cret')
        assertThat(currentBuild().description).isEqualTo('r.example.com/team/web@' +
            FakeImageci.DIGEST)
        assertThat(currentBuild().result).isEqualTo('SUCCESS')
        assertThat(fake.archived).containsExactly('imageci/Dockerfile', 'imageci/form.*',
            'imageci/result.json')
        assertThat(stepNames('stage', 'timeout').take(2)).containsExactly('timeout', 'stage')
        assertThat(echoed.join('\n')).doesNotContain('s3cret')
    }

    @Test
    void takesTheConfigAsTextAndSkipsThePushWhenAsked() {
        declarative.buildParameters = [CONFIG: 'image: r/web\nfrom: scratch\n', PUSH: false]

        runScript('Jenkinsfile')

        assertThat(fake.files['imageci/form.yaml']).isEqualTo('image: r/web\nfrom: scratch\n')
        assertThat(declarative.stageResults['Push image']).isEqualTo('skipped by when')
        assertThat(declarative.stageResults['Record history']).isEqualTo('succeeded')
        assertThat(fake.scriptsContaining(' build ').first().env)
            .containsEntry('IMAGECI_PUSH', 'false')
        assertThat(declarative.options.timeout).isEqualTo([time: 60, unit: 'MINUTES'])
    }

    @Test
    void stopsAtVerifyOnABadTimeoutAndRunsNothing() {
        declarative.buildParameters = [IMAGE: 'r/web', BASE_IMAGE: 'busybox',
            TIMEOUT_MINUTES: '5; touch /tmp/x']

        assertThatThrownBy { runScript('Jenkinsfile') }
            .isInstanceOf(AbortException)
            .hasMessageStartingWith('Jenkinsfile: the argument TIMEOUT_MINUTES must be Integer')
        assertThat(declarative.options.timeout).isEqualTo([time: 60, unit: 'MINUTES'])
        assertThat(declarative.stageResults).isEqualTo(['Verify': 'failed',
            'Generate Dockerfile': 'skipped after a failure',
            'Build image': 'skipped after a failure', 'Push image': 'skipped after a failure',
            'Record history': 'skipped after a failure'])
        assertThat(fake.scripts).isEmpty()
        assertThat(currentBuild().result).isEqualTo('FAILURE')
    }

    @Test
    void recordsAFailedBuildInTheHistoryAndKeepsItsResult() {
        fake.shell = { String script, Map env ->
            if (script.contains(' build ')) {
                fake.files[env.IMAGECI_RESULT_FILE] = '{"status":"failed","error":"RUN failed"}'
                return 1
            }
            return 0
        }
        declarative.buildParameters = [IMAGE: 'r/web', BASE_IMAGE: 'busybox']

        assertThatThrownBy { runScript('Jenkinsfile') }
            .hasMessage('imageciBuild: the build of imageci/form.json failed: RUN failed')
        assertThat(declarative.stageResults['Build image']).isEqualTo('failed')
        assertThat(fake.scriptsContaining('history flush')).hasSize(1)
        assertThat(fake.scriptsContaining('history flush').first().env)
            .containsEntry('IMAGECI_IMAGE', '')
        assertThat(fake.archived).contains('imageci/form.*', 'imageci/result.json')
    }

    @Test
    void refusesParametersItDoesNotDeclare() {
        declarative.buildParameters = [IMAGE_NAME: 'r/web']

        assertThatThrownBy { runScript('Jenkinsfile') }
            .hasMessage('the pipeline declares no parameter IMAGE_NAME')
    }
}
