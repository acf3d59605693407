/* Intentionally empty: see meson.build (link_whole placeholder). */
typedef int libuv_shim_placeholder;
