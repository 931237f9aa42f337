/* jwtguard/jwtguard.h - the whole public API. */
#ifndef JG_JWTGUARD_H
#define JG_JWTGUARD_H
#include <jwtguard/common.h>
#include <jwtguard/json.h>
#include <jwtguard/jwk.h>
#include <jwtguard/denylist.h>
#include <jwtguard/policy.h>
#include <jwtguard/jws.h>
#include <jwtguard/jwt.h>
#define JG_VERSION_STRING "0.1.0"
#ifdef __cplusplus
extern "C" {
#endif
JG_API const char *jg_version(void);
#ifdef __cplusplus
}
#endif
#endif
