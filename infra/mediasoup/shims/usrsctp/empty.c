/* Intentionally empty: see meson.build (link_whole placeholder). */
typedef int usrsctp_shim_placeholder;
