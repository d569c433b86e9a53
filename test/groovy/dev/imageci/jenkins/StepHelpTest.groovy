package dev.imageci.jenkins

import static org.assertj.core.api.Assertions.assertThat

import java.util.regex.Matcher
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test

/** Each step's vars/NAME.txt help lists exactly the arguments it accepts, types and defaults. */
class StepHelpTest extends PipelineTestSupport {

    @BeforeEach
    void setUpLibrary() {
        setUpPipeline()
    }

    @Test
    void everyStepHasAHelpPageWithASummaryAndExamples() {
        List<String> steps = stepNamesInVars()

        assertThat(steps).contains('imageciRun', 'imageciRender', 'imageciBuild',
            'imageciPipeline')
        steps.each { name ->
            String help = ROOT.resolve('vars/' + name + '.txt').text
            assertThat(help).as(name).startsWith('<p>').contains('<p>Examples:</p>\n<pre>\n')
        }
    }

    @Test
    void helpListsExactlyTheArgumentsWithTheirTypesAndDefaults() {
        stepNamesInVars().findAll { it != 'imageciArgs' }.each { name ->
            Map schema = step(name).ARGS
            Map documented = documentedArguments(ROOT.resolve('vars/' + name + '.txt').text)

            Map expected = schema.collectEntries { argument, spec ->
                [argument, spec[0].simpleName + ', ' + (spec.size() == 1 ? 'required' :
                    'default ' + literal(spec[1]))]
            }
            assertThat(documented).as(name).isEqualTo(expected)
        }
    }

    private static List<String> stepNamesInVars() {
        return ROOT.resolve('vars').toFile().list().findAll { it.endsWith('.groovy') }
            .collect { it - '.groovy' }.sort()
    }

    private static Map documentedArguments(String help) {
        Map documented = [:]
        Matcher matcher = help =~ ('<dt><code>(\\w+)</code> \\((\\w+), ' +
            '(required|default <code>(.*?)</code>)\\)</dt>')
        matcher.each { List groups ->
            documented[groups[1]] = groups[2] + ', ' +
                (groups[3] == 'required' ? 'required' : 'default ' + groups[4])
        }
        return documented
    }

    private static String literal(Object value) {
        return value instanceof String ? "'" + value + "'" : String.valueOf(value)
    }
}
