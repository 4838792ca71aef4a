#ifndef CCHC_VERSION_H
#define CCHC_VERSION_H

#define CCHC_VERSION "0.1.0"

#endif
