import groovy.json.JsonOutput
import groovy.transform.Field

/*
 * Writes the image form a build starts from: the config text as given, or a form assembled from
 * separate fields (image, tag, base image, rootfs URL, commands). Values are written to a file as
 * data and never evaluated; imageci validates them when it reads the file.
 */

@Field static final Map ARGS = [
    text: [String, ''],
    image: [String, ''],
    tag: [String, ''],
    from: [String, ''],
    rootfs: [String, ''],
    run: [String, ''],
    directory: [String, 'imageci'],
]

/** Returns the path of the form written: DIRECTORY/form.yaml or DIRECTORY/form.json. */
String call(Map args = [:]) {
    Map opts = imageciArgs('imageciForm', ARGS, args)
    boolean fields = opts.image || opts.tag || opts.from || opts.rootfs || opts.run
    if (opts.text.trim() && fields) {
        error('imageciForm: give the config text or the separate fields (image, tag, from, ' +
            'rootfs, run), not both')
    }
    if (!opts.text.trim() && !opts.image) {
        error('imageciForm: give the config text, or at least the image name and base image')
    }

    String file
    String content
    if (opts.text.trim()) {
        boolean json = opts.text.trim().startsWith('{')
        file = opts.directory + (json ? '/form.json' : '/form.yaml')
        content = opts.text
    } else {
        file = opts.directory + '/form.json'
        content = JsonOutput.prettyPrint(JsonOutput.toJson(fromFields(opts)))
    }
    writeFile(file: file, text: content)
    echo('imageciForm: wrote the image form to ' + file)
    return file
}

/** The form as a map, leaving out empty fields; run holds one command per non-blank line. */
Map fromFields(Map opts) {
    Map form = [image: opts.image]
    for (String name in ['tag', 'from', 'rootfs']) {
        if (opts[name]) {
            form[name] = opts[name]
        }
    }
    List commands = []
    for (String line in opts.run.split('\n')) {
        String command = line.replaceAll('\r$', '')
        if (command.trim()) {
            commands.add(command)
        }
    }
    if (commands) {
        form.run = commands
    }
    return form
}
