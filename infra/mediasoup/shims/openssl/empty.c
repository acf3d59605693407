/* Intentionally empty: see meson.build (link_whole placeholder). */
typedef int openssl_shim_placeholder;
