package dev.turnout.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.MapEntry;
import com.google.protobuf.MessageOrBuilder;
import java.io.UncheckedIOException;
import java.util.Base64;

/**
 * A response as {@code -o json} prints it: the message's fields by their lowerCamel JSON names (as protobuf's
 * JsonFormat names them), in declaration order, <em>every</em> field present (0, false, "" and [] included, so
 * {@code jq} never meets a missing key), and 64-bit integers as JSON numbers rather than JsonFormat's strings.
 */
final class ProtoJson {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final ObjectWriter WRITER = new ObjectMapper().writer(new DefaultPrettyPrinter()
            .withSeparators(Separators.createDefaultInstance()
                    .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                    .withArrayEmptySeparator("")
                    .withObjectEmptySeparator(""))
            .withObjectIndenter(new DefaultIndenter("  ", "\n"))
            .withArrayIndenter(new DefaultIndenter("  ", "\n")));

    private static final ObjectWriter LINE_WRITER = new ObjectMapper().writer();

    private ProtoJson() {
    }

    /** The same object on one line, no blanks: for streams of objects, one per line (JSON Lines). */
    static String printLine(MessageOrBuilder message) {
        try {
            return LINE_WRITER.writeValueAsString(toJson(message));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Pretty-printed, two spaces of indent, no trailing newline. */
    static String print(MessageOrBuilder message) {
        return write(toJson(message));
    }

    static String write(JsonNode node) {
        try {
            return WRITER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ObjectNode toJson(MessageOrBuilder message) {
        ObjectNode node = NODES.objectNode();
        for (FieldDescriptor field : message.getDescriptorForType().getFields()) {
            String name = field.getJsonName();
            if (field.isMapField()) {
                ObjectNode map = node.putObject(name);
                FieldDescriptor valueField = field.getMessageType().findFieldByName("value");
                for (int i = 0; i < message.getRepeatedFieldCount(field); i++) {
                    MapEntry<?, ?> entry = (MapEntry<?, ?>) message.getRepeatedField(field, i);
                    map.set(String.valueOf(entry.getKey()), value(valueField, entry.getValue()));
                }
            } else if (field.isRepeated()) {
                ArrayNode array = node.putArray(name);
                for (int i = 0; i < message.getRepeatedFieldCount(field); i++) {
                    array.add(value(field, message.getRepeatedField(field, i)));
                }
            } else if (field.hasPresence() && !message.hasField(field)) {
                node.putNull(name);
            } else {
                node.set(name, value(field, message.getField(field)));
            }
        }
        return node;
    }

    private static JsonNode value(FieldDescriptor field, Object value) {
        return switch (field.getJavaType()) {
            case INT -> field.getType() == FieldDescriptor.Type.UINT32 || field.getType() == FieldDescriptor.Type.FIXED32
                    ? NODES.numberNode(Integer.toUnsignedLong((Integer) value)) : NODES.numberNode((Integer) value);
            case LONG -> field.getType() == FieldDescriptor.Type.UINT64 || field.getType() == FieldDescriptor.Type.FIXED64
                    ? NODES.numberNode(new java.math.BigInteger(Long.toUnsignedString((Long) value)))
                    : NODES.numberNode((Long) value);
            case FLOAT -> NODES.numberNode((Float) value);
            case DOUBLE -> NODES.numberNode((Double) value);
            case BOOLEAN -> NODES.booleanNode((Boolean) value);
            case STRING -> NODES.textNode((String) value);
            case BYTE_STRING -> NODES.textNode(Base64.getEncoder().encodeToString(((ByteString) value).toByteArray()));
            case ENUM -> NODES.textNode(((EnumValueDescriptor) value).getName());
            case MESSAGE -> toJson((MessageOrBuilder) value);
        };
    }
}
