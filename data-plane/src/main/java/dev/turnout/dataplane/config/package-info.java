/**
 * The data plane's configuration: immutable, validated records swapped atomically.
 *
 * <p>Start with {@link dev.turnout.dataplane.config.ProxyConfig} (one snapshot) and
 * {@link dev.turnout.dataplane.config.ConfigHolder} (the current one). Documents are read by
 * {@link dev.turnout.dataplane.config.ConfigDocumentReader}; the same YAML shape serves a standalone data
 * plane's {@code --config} file and the control plane's desired state.
 */
package dev.turnout.dataplane.config;
