// Intentionally empty: see meson.build (link_whole placeholder).
namespace abseil_shim_placeholder {}
