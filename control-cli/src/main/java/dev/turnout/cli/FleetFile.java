package dev.turnout.cli;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The YAML that {@code config apply -f FILE} sends. Each route's {@code password-file: PATH} is read here
 * (PATH relative to FILE's directory) and replaced by {@code password: <secret>}, in the same place. A file
 * without {@code password-file} is sent exactly as written, comments and all, so the control plane's line
 * numbers match the operator's file.
 */
final class FleetFile {

    private static final YAMLMapper YAML = YAMLMapper.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .build();

    private FleetFile() {
    }

    /** @param file a path, or {@code -} for standard input (password files then resolve from the working directory) */
    static String read(String file, InputStream stdin, Secrets secrets) {
        Path base;
        String text;
        try {
            if (file.equals("-")) {
                base = Path.of("").toAbsolutePath();
                text = new String(stdin.readAllBytes(), StandardCharsets.UTF_8);
            } else {
                Path path = Path.of(file).toAbsolutePath();
                base = path.getParent();
                text = Files.readString(path, StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw CliFailure.usage("-f: cannot read " + (file.equals("-") ? "standard input" : file)
                    + " (" + e.getClass().getSimpleName() + "); expected a YAML file");
        }
        return inlinePasswords(text, file.equals("-") ? "standard input" : file, base, stdin, secrets);
    }

    static String inlinePasswords(String text, String name, Path base, InputStream stdin, Secrets secrets) {
        JsonNode root;
        try {
            root = YAML.readTree(text);
        } catch (JsonProcessingException e) {
            throw CliFailure.usage(name + ": not valid YAML" + where(e.getLocation()) + ": "
                    + problem(e.getOriginalMessage()));
        }
        if (root == null || !(root.get("routes") instanceof ObjectNode routes)) {
            return text; // nothing to inline; the control plane says what is wrong, if anything
        }
        boolean changed = false;
        for (Map.Entry<String, JsonNode> route : routes.properties()) {
            if (route.getValue() instanceof ObjectNode fields && fields.has("password-file")) {
                String path = "routes." + route.getKey();
                route.setValue(inline(path, fields, base, stdin, secrets));
                changed = true;
            }
        }
        if (!changed) {
            return text;
        }
        try {
            return YAML.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write YAML back: " + e.getOriginalMessage(), e);
        }
    }

    /** The route's fields with password-file replaced by password, in the same position. */
    private static ObjectNode inline(String path, ObjectNode fields, Path base, InputStream stdin, Secrets secrets) {
        if (fields.has("password")) {
            throw CliFailure.usage(path + ": both password and password-file; keep one");
        }
        JsonNode file = fields.get("password-file");
        if (!file.isTextual() || file.asText().isBlank()) {
            String got = file.isContainerNode() ? (file.isArray() ? "a list" : "a mapping") : "'" + file.asText() + "'";
            throw CliFailure.usage(path + ".password-file: expected a file name, got " + got);
        }
        String password = SecretFiles.read(path + ".password-file", file.asText(), base, stdin, secrets);
        ObjectNode result = fields.objectNode();
        fields.properties().forEach(field -> {
            if (field.getKey().equals("password-file")) {
                result.put("password", password);
            } else {
                result.set(field.getKey(), field.getValue());
            }
        });
        return result;
    }

    private static String where(JsonLocation location) {
        return location == null || location.getLineNr() < 1 ? ""
                : " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
    }

    /**
     * SnakeYAML's message without its marks (" in 'reader', line 2, column 6:", the line quoted, a caret):
     * "while parsing a flow node; expected the node content, but found '<stream end>'".
     */
    static String problem(String message) {
        String problem = message == null ? "" : message.lines()
                .filter(line -> !line.isBlank() && !Character.isWhitespace(line.charAt(0)))
                .map(String::strip)
                .collect(Collectors.joining("; "));
        return problem.isEmpty() ? "unreadable" : problem;
    }
}
