package dev.imageci.jenkins

import static org.assertj.core.api.Assertions.assertThat
import static org.assertj.core.api.Assertions.assertThatThrownBy

import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test

class ImageciArgsTest extends PipelineTestSupport {

    static final Map SCHEMA = [name: [String], count: [Integer, 3], on: [Boolean, false],
                               extra: [Map, null]]

    Script args

    @BeforeEach
    void setUpLibrary() {
        setUpPipeline()
        args = step('imageciArgs')
    }

    @Test
    void mergesTheGivenArgumentsOverTheDefaultsOnce() {
        Map merged = args.call('s', SCHEMA, [name: 'n', on: true])

        assertThat(merged).isEqualTo([name: 'n', count: 3, on: true, extra: null])
    }

    @Test
    void takesDigitStringsForIntegersAndGStringsForStrings() {
        String value = 'v'
        Map merged = args.call('s', SCHEMA, [name: "${value}x", count: '12'])

        assertThat(merged.name).isInstanceOf(String).isEqualTo('vx')
        assertThat(merged.count).isEqualTo(12)
    }

    @Test
    void refusesUnknownMissingAndMistypedArguments() {
        assertThatThrownBy { args.call('s', SCHEMA, [name: 'n', cuont: 1, zz: 2]) }
            .isInstanceOf(AbortException)
            .hasMessage('s: unknown argument(s) cuont, zz; it accepts count, extra, name, on')
        assertThatThrownBy { args.call('s', SCHEMA, [:]) }
            .hasMessage('s: the argument name is required (String)')
        assertThatThrownBy { args.call('s', SCHEMA, [name: 'n', count: '1e3']) }
            .hasMessage('s: the argument count must be Integer, got String')
        assertThatThrownBy { args.call('s', SCHEMA, [name: 'n', extra: 'x']) }
            .hasMessage('s: the argument extra must be Map, got String')
    }

    @Test
    void makesWithEnvEntriesAndRefusesDollarsThatJenkinsWouldExpand() {
        assertThat(args.environment('s', [A: 'x=y', B: true, C: 7]))
            .containsExactly('A=x=y', 'B=true', 'C=7')
        assertThatThrownBy { args.environment('s', [A: 'ok', B: 'p/${HOME}']) }
            .isInstanceOf(AbortException)
            .hasMessage('s: the value for B must not contain $, which Jenkins\' withEnv would ' +
                'expand')
    }

    @Test
    void checksMinutesAndRequestIds() {
        assertThat(args.minutes('s', 't', '1440')).isEqualTo(1440)
        assertThatThrownBy { args.minutes('s', 't', '1441') }
            .hasMessage('s: t must be between 1 and 1440 minutes, got 1441')
        assertThat(args.requestId('s', 'ui:2026-12-03/41f0')).isEqualTo('ui:2026-12-03/41f0')
        assertThat(args.requestId('s', '')).isEqualTo('')
        ['a b', 'x\ny', '`id`', '$(id)', ';', 'x' * 129].each { hostile ->
            assertThatThrownBy { args.requestId('s', hostile) }
                .hasMessageStartingWith('s: requestId must be 1 to 128 characters')
        }
    }
}
