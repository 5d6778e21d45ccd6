package io.xerv.wasm;

import java.nio.file.Path;
import java.util.Set;

/**
 * What every call of one node shares: its checked config, module, grants and host sources. Immutable.
 *
 * @param nodeId the node's id in the flow (for messages)
 * @param config the node's checked config
 * @param module the loaded module
 * @param modulePath where the module was found
 * @param baseDirectory the flow's directory (WASI directories resolve against it)
 * @param env granted environment variable names
 * @param secrets granted secret names
 * @param ports ports the guest may fire
 * @param sources where granted values come from
 */
record WasmNodeSettings(String nodeId, WasmNodeConfig config, GuestModule module, Path modulePath,
                        Path baseDirectory, Set<String> env, Set<String> secrets, Set<String> ports,
                        HostSources sources) {
}
