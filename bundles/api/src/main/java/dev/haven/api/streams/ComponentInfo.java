package dev.haven.api.streams;

/**
 * A registered module or driver, as {@code streams:modules} shows it.
 *
 * @param kind "module" or "driver"
 * @param info its module_info
 * @param stateVersion the version of its checkpoint state format
 * @param bundle the symbolic name of the bundle that registered it
 * @param description its one line
 */
public record ComponentInfo(String kind, ModuleInfo info, int stateVersion, String bundle, String description) {
}
