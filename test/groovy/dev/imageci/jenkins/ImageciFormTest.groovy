package dev.imageci.jenkins

import static org.assertj.core.api.Assertions.assertThat
import static org.assertj.core.api.Assertions.assertThatThrownBy

import groovy.json.JsonSlurper
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test

class ImageciFormTest extends PipelineTestSupport {

    FakeAgent fake = (FakeAgent) agent

    @BeforeEach
    void setUpLibrary() {
        setUpPipeline()
    }

    @Test
    void writesConfigTextAsGivenChoosingTheExtensionByItsShape() {
        String yaml = 'image: r/web\nfrom: scratch\n'

        assertThat(callStep('imageciForm', [text: yaml])).isEqualTo('imageci/form.yaml')
        assertThat(fake.files['imageci/form.yaml']).isEqualTo(yaml)
        assertThat(callStep('imageciForm', [text: ' {"image": "r/web"}', directory: 'd']))
            .isEqualTo('d/form.json')
    }

    @Test
    void assemblesTheFieldsAsDataKeepingHostileTextVerbatim() {
        String hostile = 'echo "$(id)" `id`; touch /tmp/x \' \\'
        String file = callStep('imageciForm', [image: 'r/web', tag: 'auto', from: 'busybox',
            rootfs: 'https://files.example.com/root.tar.gz', run: 'apk add x\r\n\n' + hostile])

        Map form = new JsonSlurper().parseText(fake.files[file])
        assertThat(form).isEqualTo([image: 'r/web', tag: 'auto', from: 'busybox',
            rootfs: 'https://files.example.com/root.tar.gz', run: ['apk add x', hostile]])
        assertThat(fake.scripts).isEmpty()
    }

    @Test
    void leavesOutEmptyFields() {
        String file = callStep('imageciForm', [image: 'r/web', from: 'scratch'])

        assertThat(new JsonSlurper().parseText(fake.files[file]))
            .isEqualTo([image: 'r/web', from: 'scratch'])
    }

    @Test
    void refusesBothFormsAtOnceOrNeither() {
        assertThatThrownBy { callStep('imageciForm', [text: 'image: a', image: 'b']) }
            .isInstanceOf(AbortException)
            .hasMessageStartingWith('imageciForm: give the config text or the separate fields')
        assertThatThrownBy { callStep('imageciForm', [text: '  ']) }
            .hasMessage('imageciForm: give the config text, or at least the image name and ' +
                'base image')
        assertThatThrownBy { callStep('imageciForm', [image: 'a', commands: 'x']) }
            .hasMessageStartingWith('imageciForm: unknown argument(s) commands')
        assertThat(fake.files).isEmpty()
    }
}
