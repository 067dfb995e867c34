# Debian packages through CPack (scripts/package runs it on a Release build):
#   motcua-server   the server, its systemd units, /etc/motcua/motcua.conf, the demo
#                   bundle, the docs and the Prometheus alert example (component server);
#   motcua-counter  the counter staff's program (component counter);
#   motcua-common   the legal form templates both programs print (component common):
#                   no file is in two packages, so the forms live in one package
#                   that the other two depend on at the exact same version.
# The version is PROJECT_VERSION-MOTCUA_DEB_RELEASE (a test builds release 2 to upgrade to).
# Library dependencies come from dpkg-shlibdeps; the fonts the forms and tickets are
# drawn in (Noto Serif, Noto Sans: data/forms/*.json "font", printer/src/ticket.c) are
# fonts-noto-core's.

set(MOTCUA_DEB_RELEASE 1 CACHE STRING "Debian revision of the packages (Version: <project version>-<this>)")

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME motcua)
set(CPACK_PACKAGE_VENDOR "motcua")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "motcua maintainers <maintainers@motcua.invalid>")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL server counter common)
set(CPACK_COMPONENTS_GROUPING IGNORE)

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_DEBIAN_PACKAGE_RELEASE ${MOTCUA_DEB_RELEASE})
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${CPACK_PACKAGE_CONTACT}")
set(CPACK_DEBIAN_PACKAGE_SECTION misc)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS OFF)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(MOTCUA_DEB_VERSION "${PROJECT_VERSION}-${MOTCUA_DEB_RELEASE}")
set(MOTCUA_DEB_DIR ${CMAKE_SOURCE_DIR}/packaging/deb)

# motcua-common: architecture-independent data.
set(CPACK_DEBIAN_COMMON_PACKAGE_NAME motcua-common)
set(CPACK_DEBIAN_COMMON_PACKAGE_ARCHITECTURE all)
set(CPACK_DEBIAN_COMMON_PACKAGE_SHLIBDEPS OFF)
set(CPACK_DEBIAN_COMMON_PACKAGE_DEPENDS "fonts-noto-core")
set(CPACK_DEBIAN_COMMON_PACKAGE_SECTION misc)
set(CPACK_COMPONENT_COMMON_DESCRIPTION
  "motcua one-stop-shop: legal form templates\n\
The templates of the Vietnamese administrative forms (the receipt of a\n\
dossier, the request for supplements, the refusal, the control sheet ...)\n\
that motcua-server and motcua-counter fill in and print. They are drawn in\n\
Noto Serif, which covers Vietnamese diacritics.")

# motcua-server.
set(CPACK_DEBIAN_SERVER_PACKAGE_NAME motcua-server)
set(CPACK_DEBIAN_SERVER_PACKAGE_SECTION net)
set(CPACK_DEBIAN_SERVER_PACKAGE_DEPENDS
  "motcua-common (= ${MOTCUA_DEB_VERSION}), adduser, fonts-noto-core")
# Printers are CUPS queues of this machine (cups) or ipp:// addresses (libcups alone).
set(CPACK_DEBIAN_SERVER_PACKAGE_RECOMMENDS "cups")
set(CPACK_DEBIAN_SERVER_PACKAGE_SUGGESTS "prometheus")
set(CPACK_COMPONENT_SERVER_DESCRIPTION
  "one-stop-shop (mot cua) queue and dossier tracking server\n\
motcua-server runs the reception office (bo phan mot cua) of a Vietnamese\n\
People's Committee: queue tickets and the hall board that calls numbers aloud\n\
in Vietnamese, dossier intake and tracking against legal deadlines counted in\n\
Vietnamese working days, receipts and forms printed through CUPS, and the\n\
indicators the office is judged by. Data is kept in SQLite.\n\
.\n\
The package installs a systemd service (user motcua, database in\n\
/var/lib/motcua), a nightly backup timer (backups in /var/backups/motcua) and\n\
the configuration file /etc/motcua/motcua.conf. See\n\
/usr/share/doc/motcua-server/install.md for the first start.")
set(CPACK_DEBIAN_SERVER_PACKAGE_CONTROL_EXTRA
  ${MOTCUA_DEB_DIR}/conffiles ${MOTCUA_DEB_DIR}/postinst ${MOTCUA_DEB_DIR}/prerm
  ${MOTCUA_DEB_DIR}/postrm)

# motcua-counter.
set(CPACK_DEBIAN_COUNTER_PACKAGE_NAME motcua-counter)
set(CPACK_DEBIAN_COUNTER_PACKAGE_SECTION net)
set(CPACK_DEBIAN_COUNTER_PACKAGE_DEPENDS "motcua-common (= ${MOTCUA_DEB_VERSION}), fonts-noto-core")
set(CPACK_DEBIAN_COUNTER_PACKAGE_RECOMMENDS "cups")
set(CPACK_COMPONENT_COUNTER_DESCRIPTION
  "one-stop-shop (mot cua) counter program\n\
motcua-counter is the program of the counter staff of a Vietnamese reception\n\
office (bo phan mot cua): it calls the next ticket, takes in and returns\n\
dossiers through a motcua-server over HTTP, and prints receipts and forms at\n\
its own counter through CUPS.")

# Debian wants /usr/share/doc/<package>/changelog.Debian.gz in each package: one entry
# for this build (dated SOURCE_DATE_EPOCH when set, else now). Only the packages hold
# it: EXCLUDE_FROM_ALL keeps it out of a plain `cmake --install`, CPack installs each
# component by name and so gets it.
find_program(MOTCUA_GZIP gzip REQUIRED)
string(TIMESTAMP MOTCUA_DEB_DATE "%a, %d %b %Y %H:%M:%S +0000" UTC)
foreach(comp server counter common)
  string(TOUPPER ${comp} up)
  set(pkg ${CPACK_DEBIAN_${up}_PACKAGE_NAME})
  set(dir ${CMAKE_BINARY_DIR}/deb/${pkg})
  file(WRITE ${dir}/changelog.Debian
    "${pkg} (${MOTCUA_DEB_VERSION}) bookworm; urgency=medium\n\n"
    "  * Built from the motcua source tree with cmake/Packaging.cmake\n"
    "    (scripts/package); the project's history is its git log.\n\n"
    " -- ${CPACK_PACKAGE_CONTACT}  ${MOTCUA_DEB_DATE}\n")
  execute_process(COMMAND ${MOTCUA_GZIP} -9nf ${dir}/changelog.Debian COMMAND_ERROR_IS_FATAL ANY)
  install(FILES ${dir}/changelog.Debian.gz DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/${pkg}
    COMPONENT ${comp} EXCLUDE_FROM_ALL)
endforeach()

include(CPack)
