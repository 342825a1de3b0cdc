package dev.turnout.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenFilesTest {

    @TempDir
    Path dir;

    @Test
    void oneTrailingNewlineIsNotPartOfTheToken() throws Exception {
        assertThat(TokenFiles.read("--token-file", write("t1", "abc\n")).reveal()).isEqualTo("abc");
        assertThat(TokenFiles.read("--token-file", write("t2", "abc\r\n")).reveal()).isEqualTo("abc");
        assertThat(TokenFiles.read("--token-file", write("t3", "abc")).reveal()).isEqualTo("abc");
    }

    @Test
    void aMissingEmptyOrMultiLineFileIsRefusedWithoutShowingItsContent() throws Exception {
        assertThatThrownBy(() -> TokenFiles.read("--token-file", dir.resolve("missing")))
                .hasMessageStartingWith("--token-file: cannot read ").hasMessageContaining("missing");
        assertThatThrownBy(() -> TokenFiles.read("--token-file", write("empty", "\n")))
                .hasMessageContaining("is empty");
        assertThatThrownBy(() -> TokenFiles.read("--data-plane-token-file", write("two", "secret-one\nsecret-two\n")))
                .hasMessageStartingWith("--data-plane-token-file: ")
                .hasMessageNotContaining("secret-one");
    }

    private Path write(String name, String content) throws Exception {
        return Files.writeString(dir.resolve(name), content);
    }
}
