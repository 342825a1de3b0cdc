package dev.turnout.controlplane.state;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.turnout.dataplane.config.ConfigDocumentWriter;
import dev.turnout.dataplane.config.ProxyConfig;
import java.io.UncheckedIOException;

/**
 * The desired-state document as a YAML tree, for the changes the store makes to a document before the data
 * plane's reader validates it: a masked user hash restored, a user added or replaced. Working on the document
 * rather than on {@link ProxyConfig} leaves every check and every default (a user's namespace, its command
 * rules) to the reader, in one place.
 */
final class DocumentTree {

    private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .build());

    private DocumentTree() {
    }

    /** The document's top mapping; null if it is not YAML or not a mapping (the reader then says what is wrong). */
    static ObjectNode parse(String yaml) {
        try {
            return YAML.readTree(yaml) instanceof ObjectNode root ? root : null;
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    /** The document of {@code state}, secrets inline: reading it back gives {@code state} (version aside). */
    static ObjectNode of(ProxyConfig state) {
        ObjectNode root = parse(ConfigDocumentWriter.toYaml(state, false));
        if (root == null) {
            throw new IllegalStateException("the writer's output is always a YAML mapping");
        }
        return root;
    }

    static String text(ObjectNode root) {
        try {
            return YAML.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e); // a tree read from YAML always writes back
        }
    }

    /** The {@code users:} list, made empty if the document has none. */
    static ArrayNode users(ObjectNode root) {
        return root.get("users") instanceof ArrayNode users ? users : root.putArray("users");
    }

    /** The index of the entry named {@code name} in {@code users}, or -1. */
    static int indexOf(ArrayNode users, String name) {
        for (int i = 0; i < users.size(); i++) {
            JsonNode entryName = users.get(i).get("name");
            if (entryName != null && entryName.isValueNode() && entryName.asText().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    /** The text of a scalar field, or null when the field is missing or not a scalar. */
    static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.isValueNode() && !value.isNull() ? value.asText() : null;
    }
}
