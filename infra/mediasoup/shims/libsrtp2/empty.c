/* Intentionally empty: see meson.build (link_whole placeholder). */
typedef int libsrtp2_shim_placeholder;
