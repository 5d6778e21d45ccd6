package io.xerv.host.cli;

import io.xerv.host.serve.ServeConfig;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reads a host config for {@code --config} of the commands that apply its {@code policy:} section. Stateless. */
final class PolicyConfig {

    private PolicyConfig() {
    }

    /** The config, or null after printing every problem to {@code err}. */
    static ServeConfig load(Path file, PrintWriter err, String command) {
        try {
            return ServeConfig.load(file);
        } catch (NoSuchFileException e) {
            err.println(command + ": --config: no such file " + file);
        } catch (IOException e) {
            err.println(command + ": --config: cannot read " + file + ": " + e.getMessage());
        } catch (ServeConfig.ConfigException e) {
            e.problems().forEach(err::println);
            err.println(command + ": the config file has " + e.problems().size() + " problem(s)");
        }
        err.flush();
        return null;
    }
}
