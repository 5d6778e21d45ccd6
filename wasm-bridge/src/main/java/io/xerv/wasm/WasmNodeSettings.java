package io.xerv.wasm;

import io.xerv.plugin.HostServices;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * What every call of one node shares: its checked config, module, grants and the host's services. Immutable.
 *
 * @param nodeId the node's id in the flow (for messages)
 * @param config the node's checked config
 * @param module the loaded module
 * @param modulePath where the module was found
 * @param wasiDirs the WASI directories, guest path to host path, checked by the host's policy
 * @param env granted environment variable names
 * @param secrets granted secret names
 * @param ports ports the guest may fire
 * @param services where granted values come from: the host's policy
 */
record WasmNodeSettings(String nodeId, WasmNodeConfig config, GuestModule module, Path modulePath,
                        Map<String, Path> wasiDirs, Set<String> env, Set<String> secrets, Set<String> ports,
                        HostServices services) {
}
