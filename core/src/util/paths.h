/* Where the program finds its read-only data: the form templates and the demo
 * province's bundle. Installed, that is <prefix>/share/motcua beside
 * <prefix>/bin (/usr/share/motcua for /usr/bin/motcua-server); in a build tree,
 * <build>/share/motcua, which the build fills from data/. The source tree is
 * never read at run time. MOTCUA_DATA_DIR overrides the folder (tests, a
 * relocated install). */
#ifndef MOTCUA_PATHS_H
#define MOTCUA_PATHS_H

/* The data folder, without a trailing slash. Resolved once, the first time
 * any thread asks; never NULL (when the program's own path cannot be read,
 * the installed default of this build). */
const char *paths_data_dir(void);

#endif
