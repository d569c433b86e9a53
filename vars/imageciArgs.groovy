/*
 * Argument handling shared by the imageci steps: one schema per step, merged once.
 *
 * A schema maps each argument name to [Type] (required) or [Type, default]. Unknown names are
 * refused, required ones must be given, and each value must have the declared type; an Integer
 * argument also takes a string of digits, as Jenkins string parameters deliver numbers.
 */

/** Returns the step's arguments merged over its defaults, or fails the build through error(). */
Map call(String step, Map schema, Map given) {
    Map args = given == null ? [:] : given
    List unknown = []
    for (Object name in args.keySet()) {
        if (!schema.containsKey(name)) {
            unknown.add(name.toString())
        }
    }
    if (unknown) {
        error(step + ': unknown argument(s) ' + unknown.sort().join(', ') +
            '; it accepts ' + schema.keySet().sort().join(', '))
    }

    Map merged = [:]
    for (Object name in schema.keySet()) {
        List spec = schema[name]
        boolean present = args.containsKey(name) && args[name] != null
        if (!present && spec.size() == 1) {
            error(step + ': the argument ' + name + ' is required (' + spec[0].simpleName + ')')
        }
        merged[name] = present ? typed(step, name.toString(), spec[0], args[name]) : spec[1]
    }
    return merged
}

/** Checks a value against its declared type; converts digit strings for Integer arguments. */
Object typed(String step, String name, Class type, Object value) {
    if (type == Integer && value instanceof CharSequence && value.toString() ==~ /[0-9]{1,9}/) {
        return Integer.valueOf(value.toString())
    }
    if (type == String && value instanceof CharSequence) {
        return value.toString()
    }
    if (type.isInstance(value)) {
        return value
    }
    error(step + ': the argument ' + name + ' must be ' + type.simpleName + ', got ' +
        value.getClass().simpleName)
}

/**
 * withEnv entries (NAME=value) for the given values. Jenkins' withEnv expands $NAME and ${NAME}
 * in values, so a value holding '$' is refused rather than silently changed.
 */
List environment(String step, Map values) {
    List entries = []
    for (Object name in values.keySet()) {
        String value = String.valueOf(values[name])
        if (value.contains('$')) {
            error(step + ': the value for ' + name + ' must not contain $, which Jenkins\' ' +
                'withEnv would expand')
        }
        entries.add(name.toString() + '=' + value)
    }
    return entries
}

/** A timeout in whole minutes, 1 to 1440 (one day). */
int minutes(String step, String name, Object value) {
    Integer minutes = typed(step, name, Integer, value)
    if (minutes < 1 || minutes > 1440) {
        error(step + ': ' + name + ' must be between 1 and 1440 minutes, got ' + minutes)
    }
    return minutes
}

/**
 * Checks an opaque request id from the service that triggered the build. It is recorded, never
 * interpreted, but it must be printable on one line so logs and history stay readable.
 */
String requestId(String step, String value) {
    if (value && !(value ==~ /[A-Za-z0-9._:@+=\/-]{1,128}/)) {
        error(step + ': requestId must be 1 to 128 characters of letters, digits and ' +
            '._:@+=/- (got ' + value.length() + ' characters that are not)')
    }
    return value
}
