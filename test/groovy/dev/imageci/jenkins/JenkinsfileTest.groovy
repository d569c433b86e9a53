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
    void stopsAtVerifyOnABadTimeoutAndOnlyRecordsTheFailure() {
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
        assertThat(fake.scripts*.script.collect { it.readLines().last() }).containsExactly(
            'bash .imageci/locate-cli.sh > .imageci/cli-path', '"$@" > "$texts/id"')
        assertThat(fake.scripts*.script.join('\n')).doesNotContain('touch')
        assertThat(fake.scriptsContaining(' history record ').first().env)
            .containsEntry('IMAGECI_CONFIG', '').containsEntry('IMAGECI_STATUS', 'failed')
        assertThat(fake.files['.imageci/failure/error'])
            .startsWith('Jenkinsfile: the argument TIMEOUT_MINUTES must be Integer')
        assertThat(fake.files['.imageci/failure/image']).isEqualTo('r/web')
        assertThat(currentBuild().result).isEqualTo('FAILURE')
    }

    @Test
    void recordsAFailedBuildInTheHistoryAndKeepsItsResult() {
        fake.shell = { String script, Map env ->
            if (script.contains(' build ')) {
                fake.files[env.IMAGECI_RESULT_FILE] = '{"status":"failed","error":"RUN failed",' +
                    '"historyId":"9"}'
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
        assertThat(fake.scriptsContaining(' history record ')).isEmpty()
        assertThat(fake.archived).contains('imageci/form.*', 'imageci/result.json')
    }

    @Test
    void recordsARunRefusedAtVerifyWithItsRequestId() {
        fake.shell = { String script, Map env -> script.contains(' render ') ? 2 : 0 }
        fake.files['.imageci/verify-problems'] = 'imageci/form.json: tag: bad (got "a;b")'
        declarative.buildParameters = [IMAGE: 'r/web', TAG: 'a;b', BASE_IMAGE: 'busybox',
            REQUEST_ID: 'ui-78']

        assertThatThrownBy { runScript('Jenkinsfile') }
            .hasMessageStartingWith('imageciVerify: imageci/form.json is not a valid image form')

        assertThat(calls('imageciRecordFailure')).hasSize(1)
        assertThat(stepNames('imageciVerify', 'imageciRecordFailure'))
            .containsExactly('imageciVerify', 'imageciRecordFailure')
        assertThat(fake.scriptsContaining(' history record ').first().env)
            .containsEntry('IMAGECI_CONFIG', 'imageci/form.json')
        assertThat(fake.files['.imageci/failure/request-id']).isEqualTo('ui-78')
        assertThat(fake.files['.imageci/failure/error']).isEqualTo('imageciVerify: ' +
            'imageci/form.json is not a valid image form:\nimageci/form.json: tag: bad (got "a;b")')
        assertThat(echoed).contains('imageciRecordFailure: this failed run is recorded as ' +
            'history ' + FakeAgent.RECORDED_ID + ' (imageci history show ' +
            FakeAgent.RECORDED_ID + ')')
        assertThat(fake.scriptsContaining(' build ')).isEmpty()
    }

    @Test
    void recordsAnAbortedRunAsCancelled() {
        fake.shell = { String script, Map env ->
            if (script.contains('--version')) {
                throw new InterruptedException()
            }
            return 0
        }
        declarative.buildParameters = [IMAGE: 'r/web', BASE_IMAGE: 'busybox']

        assertThatThrownBy { runScript('Jenkinsfile') }.isInstanceOf(InterruptedException)

        assertThat(currentBuild().result).isEqualTo('ABORTED')
        assertThat(fake.scriptsContaining(' history record ').first().env)
            .containsEntry('IMAGECI_STATUS', 'cancelled')
        assertThat(fake.files['.imageci/failure/error']).isEqualTo('java.lang.InterruptedException')
    }

    @Test
    void aFailureToRecordDoesNotMaskTheRunsError() {
        fake.shell = { String script, Map env ->
            script.contains(' render ') ? 2 : script.contains(' history record ') ? 1 : 0
        }
        fake.files['.imageci/verify-problems'] = 'imageci/form.json: from: missing'
        declarative.buildParameters = [IMAGE: 'r/web']

        assertThatThrownBy { runScript('Jenkinsfile') }
            .isInstanceOf(AbortException)
            .hasMessageStartingWith('imageciVerify: imageci/form.json is not a valid image form')

        assertThat(currentBuild().result).isEqualTo('FAILURE')
        assertThat(echoed).contains('WARNING: imageciRecordFailure: imageci history record ' +
            'failed with exit status 1 (see the log above); this failed run is not in the image ' +
            'history')
    }

    @Test
    void saysSoWhenTheCliIsMissingAndKeepsTheRunsError() {
        fake.cliMissing = true
        declarative.buildParameters = [IMAGE: 'r/web', BASE_IMAGE: 'busybox']

        assertThatThrownBy { runScript('Jenkinsfile') }
            .hasMessageStartingWith('imageciCli: no usable imageci command line on this agent')

        assertThat(echoed.find { it.startsWith('WARNING: imageciRecordFailure: the imageci CLI ' +
            'is unavailable on this agent, so this failed run is not in the image history') })
            .isNotNull()
        assertThat(fake.scriptsContaining(' history record ')).isEmpty()
    }

    @Test
    void refusesParametersItDoesNotDeclare() {
        declarative.buildParameters = [IMAGE_NAME: 'r/web']

        assertThatThrownBy { runScript('Jenkinsfile') }
            .hasMessage('the pipeline declares no parameter IMAGE_NAME')
    }
}
