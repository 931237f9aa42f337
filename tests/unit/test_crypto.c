/* tests/unit/test_crypto.c - the crypto seam (lib/ossl, lib/sodium).
 *
 * Keys are built directly as jg_key structs (serial, kty, crv) and go
 * through jgi_key_import/generate/prepare, so this file needs nothing of
 * jwk.c. Covered: a sign/verify round trip and a tamper loop for every
 * JWS algorithm, exact signature lengths, ECDSA r/s range and DER
 * refusal, the import checks (RSA size/exponent/consistency, EC curve
 * membership and d range, OKP derived keys), RFC 8032 vectors, PEM in
 * every accepted form and the refused ones, and the per-thread context
 * cache (serials, eviction, threads).
 */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "internal.h"
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- PEM fixtures: throwaway test keys, made with the openssl CLI ---- */
/* traditional RSA private key (openssl genrsa -traditional 2048) */
static const char PEM_RSA_TRAD[] =
    "-----BEGIN RSA PRIVATE KEY-----\n"
    "MIIEowIBAAKCAQEAn1PZ4xixGv9U6j4YfI9n2Bw1MH7jB7+mM9l0zrEkN+SEg5wi\n"
    "Tj9jZT11xu4r4TBR5FdHLnkEGcf7zdpmpNgUxDkA0tJzPbM7st3q/oLwDoQFlU8y\n"
    "as2FxeGfcwh4qKkWv5BkPt9tAAP68WDJQS35Rr804oDe0EtLn/s2ZEM0gO0KzGGt\n"
    "WeYApFdzQFXT4bB72jRCE+44Y9kfl7T0rqhbaApHnLcz3ZM3GaNCpfbJu8hNunLD\n"
    "UxuqeSssglxwh98R/AKYXNboDAvH/QfIoTRFkhfKoW1ZcbkCepuQBVF0T+mT9bQh\n"
    "rXgIhMZqOYeRHE1g2xD9wb2KX4hWUFLWKW3/QQIDAQABAoIBAAk0yaVvIvtUifNi\n"
    "X3zXC8uMzwqnJ6F7fUmIBPv/zVVzcrATdgH/yf5Vak2dK9OTvK+igWjvMixL22y+\n"
    "Hr84rcksIrQ2gn/WsETkwMmFsa73tEY323RuErmSkL7ksZV2oRYJlwPxBLXYWl2B\n"
    "168t+QuRodHSsM09WeMmcLKjatBmNUpY9RT7lCChu7brBSVEgWltmats94zFOuqt\n"
    "HDsP4Cevq6bt6ErlSZm61oApKZ4I5jz6dYvXniU8IdgZHIrJaMWUKbTyQiAcpqSV\n"
    "dALvyrip1KkbELfEgXjMmLd7e1AId88fbGlVaumBOVOzveQ8y2vKYl3KnFEoQxVF\n"
    "WzRsE/cCgYEA1kBHor8HChcjXDWmqLRy6bW4zcqcaUUMIclKM5TIfKtyZxGPxDLi\n"
    "F69RfsT9Ui3k2I0HBH+4zpoh2EWGMzzzPIr30XU7JD8aVI4yybyJVTLrbMGJwuUg\n"
    "ZzzDjeLPtfZmuTU6FHmRO0R9CjGOzcVCf2ozXmawNWq2IRjVCGSDEBcCgYEAvl/C\n"
    "mibpB0fATAsS8iVMWjpzyTdT+Vg7mWlToRRec+AQCl8hIle3KYJshS1sC8VgvaT8\n"
    "QXVw8Y8iROM1w4ZNW59U8LiJbawad+9n4Ohapm3CvPkoOlybC+Rd9kEBNgFfQtex\n"
    "nl+Su4WdftcljgOhejSzhJh+QTiFFFwRjRDfamcCgYAmZkrwjlBSrKb3xd3i6sSV\n"
    "wq4mpCO4clmkTJFyAT6VqZzNgEZGIeCH4jI3CFNmwTb84PnbApE65kEepAdTc58c\n"
    "wMN91QcOjgjIEtxjb9klXgT37xAj0DEoj6l06qvTrx/mHfYU6VzwRGwswYkYtDwg\n"
    "3gXq63i1ejS+Zdb4tBsRbQKBgGIfU1tG4OcKuXe4YXyDcvYymIlGxjaHnrh0zFED\n"
    "Aafx/fKKk7ZyxYpUmgCOp9jtU+6LgiVvFda7sqsU/RoZN/gYiJxGUTdA9KeKstz+\n"
    "hfKwMiZaubxTDOs1OqT5XllqnaIDMJ5znlqfBM1isQ2gm3M0hK68Np8BNb6Hsdgm\n"
    "sTDTAoGBAJEEcNFDYCKBccM9f+G3LtFVhakIeApX3zTlsi5YhxzwDEWQVevHOCWc\n"
    "iv79dk3Fxu6eHSBP6q228qMJNjDcXoI+RcCICCdZurlrMTqLtStGBe2/1d8/kxfN\n"
    "L5gY1QEKHt+Olv9pFb6n++mx6fNkl4xqPwOUawx7ha0CTN0wzPqb\n"
    "-----END RSA PRIVATE KEY-----\n";

/* its PKCS#1 public key (openssl rsa -RSAPublicKey_out) */
static const char PEM_RSA_PKCS1_PUB[] =
    "-----BEGIN RSA PUBLIC KEY-----\n"
    "MIIBCgKCAQEAn1PZ4xixGv9U6j4YfI9n2Bw1MH7jB7+mM9l0zrEkN+SEg5wiTj9j\n"
    "ZT11xu4r4TBR5FdHLnkEGcf7zdpmpNgUxDkA0tJzPbM7st3q/oLwDoQFlU8yas2F\n"
    "xeGfcwh4qKkWv5BkPt9tAAP68WDJQS35Rr804oDe0EtLn/s2ZEM0gO0KzGGtWeYA\n"
    "pFdzQFXT4bB72jRCE+44Y9kfl7T0rqhbaApHnLcz3ZM3GaNCpfbJu8hNunLDUxuq\n"
    "eSssglxwh98R/AKYXNboDAvH/QfIoTRFkhfKoW1ZcbkCepuQBVF0T+mT9bQhrXgI\n"
    "hMZqOYeRHE1g2xD9wb2KX4hWUFLWKW3/QQIDAQAB\n"
    "-----END RSA PUBLIC KEY-----\n";

/* P-256: EC PARAMETERS block, then a traditional EC private key */
static const char PEM_EC_TRAD[] =
    "-----BEGIN EC PARAMETERS-----\n"
    "BggqhkjOPQMBBw==\n"
    "-----END EC PARAMETERS-----\n"
    "-----BEGIN EC PRIVATE KEY-----\n"
    "MHcCAQEEIBTIe03q6jLCAQKjo61LMrhXWpN9z+y7Jhgo3otN8XD4oAoGCCqGSM49\n"
    "AwEHoUQDQgAERYlaOBkxfsq8VHEFUfjYwDTmtrvz9q3QnriEt1gOGJyg4WqoxJfq\n"
    "rn0BrLmCiqpigU9KmOpUVKP3RmrVboh09w==\n"
    "-----END EC PRIVATE KEY-----\n";

/* secp256k1 traditional EC private key */
static const char PEM_K1_TRAD[] =
    "-----BEGIN EC PRIVATE KEY-----\n"
    "MHQCAQEEIOpF2Pa/rygVcMeFhtVRdWJP3X5fjmAbjNUBWL8y9jKPoAcGBSuBBAAK\n"
    "oUQDQgAEDAZsiNZQnkuxU3tdaPuV0ehCSEOP8LJr1mr8/N6Acw5ddISXmpZtl7nt\n"
    "WeEgOEoAKikLhKLvVSsEVKopxqaLZw==\n"
    "-----END EC PRIVATE KEY-----\n";

/* RSA-2048 with e = 3, PKCS#8 */
static const char PEM_RSA_E3[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIIEvAIBADANBgkqhkiG9w0BAQEFAASCBKYwggSiAgEAAoIBAQC0kkVuGH5YpGoj\n"
    "dzv7j5NbsvGByR+91Y0MeyWcjECyWlAbcgmUTgexUcb+iIkrLK8K/WmvScOfgSbJ\n"
    "v3FG6GTUcBQk+C8mUcS0afqJqWSnefn+FPeUUIL0yTXnYgaemMQ1oq7g3Slgahm4\n"
    "mmWkoyhDrdvduxsvdYXKgmH/MWdPdg6NDBYQW7K9QnJZUhY2OcSjXbfOmAXApr19\n"
    "KfYaW9JQvAsn9CMugHvmoGZ6bR5lw9FCT4XhCNnFWkHDzbxvcaA/Vz4N6BsD3L0v\n"
    "/v0oJ/OVMXoykJeHHUswwutVCoJErpkkPYTF9cinjxvNDIw+ZDDMxmyIRrbeafdh\n"
    "RjRjAymPAgEDAoIBAHhhg566/uXC8Wz6J/0KYj0h9laGFSk5CLL8w72y1cw8NWeh\n"
    "W7g0BSDhL1RbBhzIdLH+RnTb17+rbzEqS4Sa7eL1YsNQH27hLc2b/FvGQxpRUVQN\n"
    "+mLgV03beUTsBGm7LXkXH0CTcOrxZnsRmRhsxYJz5+knZ3T5A9xW6/92RN+i6v/K\n"
    "uXvLNfLkko8uINR5QHBDup2um6LNgMgpVCHWd7Loqh6tE3d88aY7clZpXee8ZMaT\n"
    "fl4jdW5wx9jP5qc9O0q6QFWqucvoVIOdl+IsFoRr03XaU2BZ4wiIlqSXEUVIttJY\n"
    "el/cIdGL7kACHzMUybSTSKdU9XxLbaI+CmPYh6sCgYEA2i4qiLfUSQxY4oIwSThg\n"
    "YF1wHuZnKyxU0a1sMufqoZ67eZbNLxxQZmGQ8iu/vJtdldCb1/ulPfU7/kEHr8sn\n"
    "rkDC+Cswj9jtrRWRbUzAbjL4sElTLnqLTgLL1VJGY+RgxA+TueiRi8gl2kh3juzz\n"
    "asDaFIggbWhf8U7StkNOac8CgYEA098xdx7WmMSStABcm78jg52IAPuq8SAdqqN/\n"
    "xP+vfSWjkmMjVt70qwu2SM0PVO7LpEfWcFgua6p1F72OMqluGQ585WI3dHkSkVUB\n"
    "LAglY5uXDLh16/wLKKEqNAvhhHhgwtklE02aCiUXXCSRzoTRl30PawUm2TuY4Z8W\n"
    "bonv9EECgYEAkXQcWyU4MLLl7FbK23rq6uj1ae7vch2N4R5IIe/xwRR8+7neH2g1\n"
    "mZZgoXJ/0xI+Y+Bn5VJuKU4n/tYFH9zFHtXXUBzLCpCec2O2SN3VnsylytuMyacH\n"
    "iVcyjjbZl+2V2Apie/BhB9rD5tr6X0iiRys8DbAVnkWVS4nhzteJm98CgYEAjT92\n"
    "T2nkZdhhzVWTEn9tAmkFVf0coMATxxeqg1UfqMPCYZds5JSjHLJ5hd4KOJ8ybYU5\n"
    "oDrJnRxOD9O0IcZJZgmomOwk+FC3C44AyAVuQme6CHr5R/1cxcDGzV1BAvrrLJDD\n"
    "YjO8BsNk6BhhNFiLulNfnK4Z5ie7QRS5nwaf+CsCgYBcn/yrkv0/gOvT7PSZzx3j\n"
    "9PVy/KoSzpK9OaZy06IQuUMr355ffBR9BZuRZtDKk4MX0vuEvXNUSax4SarILp6M\n"
    "rTrRKIPR/zSFZiqN3UypJtRivutU0vLcWrJ9m+zlnTrp5XYgDdAHZ2Wghvj1O1//\n"
    "kxN2HfsIjrT8nXZei3KUWg==\n"
    "-----END PRIVATE KEY-----\n";

/* encrypted PKCS#8 (passphrase "x") */
static const char PEM_ENC_P8[] =
    "-----BEGIN ENCRYPTED PRIVATE KEY-----\n"
    "MIHsMFcGCSqGSIb3DQEFDTBKMCkGCSqGSIb3DQEFDDAcBAhdty2tH1EEnAICCAAw\n"
    "DAYIKoZIhvcNAgkFADAdBglghkgBZQMEAQIEELcwNtnChdEW/tW/rPbCOasEgZAq\n"
    "sMKxNKqFmnm6aqfpwGa2PeFa59X5RcLfgPJQGSx5mvjHLFv7TYrf2IFNlhCrqB7Z\n"
    "5x94akAxmGA8o/h2wy4rL9Be66nuy68unQDhPFwxBtevu5PGLwHbAPP0fPsnBLS8\n"
    "Uq6K/JprDXQ7nJpUbGmYWQeF+qUlTP9cc174o52Hn/fYjt6PsqA6U/sHMgPbl+Y=\n"
    "-----END ENCRYPTED PRIVATE KEY-----\n";

/* encrypted traditional EC key (Proc-Type: 4,ENCRYPTED) */
static const char PEM_ENC_TRAD[] =
    "-----BEGIN EC PRIVATE KEY-----\n"
    "Proc-Type: 4,ENCRYPTED\n"
    "DEK-Info: AES-128-CBC,E21A50F56F8678D952775D12D079A75B\n"
    "\n"
    "k1hwhWW1pyiavW88jipucBXKUvZ+wRYeVNUBJ5/Q/YyfvBWWGyx1jS09Oqgc4Ayz\n"
    "WShPxJS1fAEUnktHGF1SJ+68rVK0FrXCucPy9333ubqjZAdDXhMbQ+8AJ5jmJuJH\n"
    "1BoMgvNF0ZHoVJVTmZdTJMt6HhdMuvnOxY2VJoMr8sw=\n"
    "-----END EC PRIVATE KEY-----\n";

/* RSA-1024, PKCS#8 */
static const char PEM_RSA1024[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIICdQIBADANBgkqhkiG9w0BAQEFAASCAl8wggJbAgEAAoGBALSAz+S5QU7y0922\n"
    "xcmCObVNP6uk2R63FmslPKO2NI4y1kCSCZ4e2X8pqSFoH2fZPMrhSzIm6JAWMAgc\n"
    "kAKh9WXSNUwAzjIpYWfdhR2MhaTfaXrh/Fv/UaG05KqtMp2HN61TnQYSUgA2qz02\n"
    "NNzLwymKiW5Gi0TOwBGvz/HUIR4bAgMBAAECgYAQpBeGhLXKq4Rw2lrduw3K8zY9\n"
    "gtMpi8ObWTF//lpWCcXK6ivM0hdHK/YVyF2s21BJe//Mvd2O+xyugsOcGoZfFx7a\n"
    "HefyjE5+Z1RhdnW5W/XIug34hpB89DCDnpn1/6RSDjD7oqg4axZh/zlfd6M/xPtW\n"
    "lZlOq7sWedBruPI2UQJBANuxjH22maJFPWHTaAIyIhZagSaZvbLrpFS/2dSptuWn\n"
    "FQ6E4c75k2Y+9JbSruLXAr7ejr+cLhuqW3mUl3plLwcCQQDSVUIQhVCoSLWMm+W4\n"
    "zFumGNxrMQVR3RHwTzGoFMgOhvJ/GOliSBwAWhp0s4AmVCcf7965h0VDPPANGEpG\n"
    "1v9NAkAQZ9vT73Tdl0oUKhNURqYhATUvyr9NwycMZR9BMENGNwntgaLTL/P/6Kef\n"
    "M7B3pBLCaiBC0sjmq/wUwjHlo/S1AkB/Nct4HHlU3mzXNu6wXwDLK1wchJB4G6Ge\n"
    "2vbodnEswBdoIVP9+ijdWaGIlYvbIqhrG3N0eEi+yttQwDEkOSI9AkA8CVF52puC\n"
    "LiS03iHEFnVaq9KZWrT7fvMWFi1SVpvdUxYlUBFY6j3uz4+GpknLeNmGmeercEDg\n"
    "XotPNrf/a9Ge\n"
    "-----END PRIVATE KEY-----\n";

/* P-224, PKCS#8 */
static const char PEM_P224[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MHgCAQAwEAYHKoZIzj0CAQYFK4EEACEEYTBfAgEBBBySXYEq07rPQlswzsiMlJc5\n"
    "hI8X+12cFxYx8BgJoTwDOgAExSezRlCdaC0ecL8quIAd78SAi73GDSoR6ZvHHXtP\n"
    "zI8ftEW4HRtnXUJ9EbLyO45ItE10oWL7pEQ=\n"
    "-----END PRIVATE KEY-----\n";

/* SPKI with explicit P-256 parameters but generator 2G */
static const char PEM_EXPLICIT_G2[] =
    "-----BEGIN PUBLIC KEY-----\n"
    "MIIBSzCCAQMGByqGSM49AgEwgfcCAQEwLAYHKoZIzj0BAQIhAP////8AAAABAAAA\n"
    "AAAAAAAAAAAA////////////////MFsEIP////8AAAABAAAAAAAAAAAAAAAA////\n"
    "///////////8BCBaxjXYqjqT57PrvVV2mIa8ZR0GsMxTsPY7zjw+J9JgSwMVAMSd\n"
    "NgiG5wSTamZ44ROdJreBn36QBEEEfPJ7GI0DT36KUjgDBLUaw8CJaeJ38hs1pgtI\n"
    "/EdmmXgHd1UQ247QQCk9msafdDDbun2t5jzpgimeBLedInhz0QIhAP////8AAAAA\n"
    "//////////+85vqtpxeehPO5ysL8YyVRAgEBA0IABE4Z5T5fQd87WiuhimlYIEgr\n"
    "8a376Rz4QSr2WPGGlgRFEohNl5cObjxHbuk1OoD/dT+aqSz8S/rVPpWVWOgdbNQ=\n"
    "-----END PUBLIC KEY-----\n";

/* a self-signed certificate */
static const char PEM_CERT[] =
    "-----BEGIN CERTIFICATE-----\n"
    "MIIBbTCCAROgAwIBAgIUCTmcD9hZfNSfBE4bVUCozoEE1okwCgYIKoZIzj0EAwIw\n"
    "DDEKMAgGA1UEAwwBdDAeFw0yNjExMjgxNTMyNDBaFw0yNjEyMjgxNTMyNDBaMAwx\n"
    "CjAIBgNVBAMMAXQwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAAT3k/NZ9jLAFoKH\n"
    "eO7D41EYbp8USOD/blTHufzHlHTMY9wG5SNVEUzjsUJjfMXFbZV5K3iE7Oux3ZWi\n"
    "R44AuCCPo1MwUTAdBgNVHQ4EFgQUb31sSxn6N7ItmK94Bhq0JBcldSgwHwYDVR0j\n"
    "BBgwFoAUb31sSxn6N7ItmK94Bhq0JBcldSgwDwYDVR0TAQH/BAUwAwEB/zAKBggq\n"
    "hkjOPQQDAgNIADBFAiAetfL8s0Cy1XPc91z6VOe5qeH0L/345CkzaGtnxEnEUQIh\n"
    "ALEl10oQE6KZGgd4tcW+dC0Z3JJ8Fi4+3b2b7P9bStf/\n"
    "-----END CERTIFICATE-----\n";

/* an SM2 key */
static const char PEM_SM2[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIGHAgEAMBMGByqGSM49AgEGCCqBHM9VAYItBG0wawIBAQQglAgkXa+s1pHxMV7Y\n"
    "q4CwGAnJ5+OdvATleAFvJHHvs36hRANCAAQvlnZusqxR2sTSMtZAVwGfsVomnMvU\n"
    "xw8eSdHMWsG/p8KyahxSTPPrk5zbd71wA+FIOd6lLqinHBY5lQ6yfM55\n"
    "-----END PRIVATE KEY-----\n";

/* an id-RSASSA-PSS public key */
static const char PEM_RSAPSS_PUB[] =
    "-----BEGIN PUBLIC KEY-----\n"
    "MIIBIDALBgkqhkiG9w0BAQoDggEPADCCAQoCggEBAK3Hj32TfV8u55QyFYYIip+Y\n"
    "3vCrJDKhlSFblQC9lGjy4/qo0/SY0cKoDJn2qabo2cLjBlOuXPUVrzDcEUh3chlV\n"
    "uhmRa0X5XVtT87OZFNyWpHnh87HEmNvMhbaZlv/HIZ2gWaJMBOQTWsI0Ib4sja5E\n"
    "qr33ADEt/IxYPT8kqinX/jSktdhQl2FLMTYG48MLTAV2E/YqQ5nhiqjHD9ktQt8e\n"
    "VXmSt9etYntVU7yIsZHB+z/nmmZN4s1+fgssAZRzN9JmNmc5qzUMOUEmVOiVHkAg\n"
    "v8CZsrLD8doPQZ04hxXbUYfKLiihXsTWqtxwo3KL/gWs9a22ZzqnLqNxwSHo9ccC\n"
    "AwEAAQ==\n"
    "-----END PUBLIC KEY-----\n";

/* ---- helpers ---- */
static uint64_t serial_next = 1000;

static const uint8_t MSG[] =
    "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhbGljZSIsImV4cCI6MTkwMDAwMDAwMH0";
#define MSG_LEN (sizeof MSG - 1)

static jg_key *key_new(jg_kty kty, jg_crv crv)
{
    jg_key *k = calloc(1, sizeof *k);
    assert_non_null(k);
    k->serial = serial_next++;
    k->kty = kty;
    k->crv = crv;
    return k;
}

static void key_free(jg_key *k)
{
    if (!k)
        return;
    jgi_key_release(k);
    if (k->secret) {
        jg_wipe(k->secret, k->secret_len);
        free(k->secret);
    }
    free(k);
}

static jg_key *key_gen(jg_kty kty, jg_crv crv)
{
    jg_key *k = key_new(kty, crv);
    assert_int_equal(jgi_key_generate(k, 2048), JG_OK);
    assert_non_null(k->evp);
    assert_non_null(k->prep);
    assert_int_equal(k->has_private, 1);
    return k;
}

static jg_key *key_oct(size_t len, uint8_t fill, jg_alg alg)
{
    jg_key *k = key_new(JG_KTY_OCT, JG_CRV_NONE);
    k->secret = malloc(len ? len : 1);
    assert_non_null(k->secret);
    memset(k->secret, fill, len);
    k->secret_len = len;
    k->has_private = 1;
    k->alg = alg;
    return k;
}

/* Import parts into a fresh key: the error, and the key (NULL unless OK). */
static jg_err import(jg_kty kty, jg_crv crv, const jgi_parts *pt,
                     jg_key **out, char *why, size_t wl)
{
    jg_key *k = key_new(kty, crv);
    jg_err rc = jgi_key_import(k, pt, why, wl);
    if (rc != JG_OK) {
        assert_null(k->evp);
        assert_null(k->prep);
        key_free(k);
        k = NULL;
    }
    if (out)
        *out = k;
    else
        key_free(k);
    return rc;
}

static void bytes_set(jgi_bytes *b, const uint8_t *p, size_t n)
{
    free(b->p);
    b->p = malloc(n ? n : 1);
    assert_non_null(b->p);
    if (n)
        memcpy(b->p, p, n);
    b->n = n;
}

/* Deep copy (the copy is freed with parts_free_copy). */
static void parts_copy(jgi_parts *dst, const jgi_parts *src)
{
    const jgi_bytes *s[10] = {&src->n, &src->e, &src->d,  &src->p, &src->q,
                              &src->dp, &src->dq, &src->qi, &src->x, &src->y};
    jgi_bytes *d[10] = {&dst->n, &dst->e, &dst->d,  &dst->p, &dst->q,
                        &dst->dp, &dst->dq, &dst->qi, &dst->x, &dst->y};
    memset(dst, 0, sizeof *dst);
    for (int i = 0; i < 10; i++)
        if (s[i]->p)
            bytes_set(d[i], s[i]->p, s[i]->n);
}

static void parts_free_copy(jgi_parts *pt)
{
    jgi_bytes *m[10] = {&pt->n, &pt->e, &pt->d,  &pt->p, &pt->q,
                        &pt->dp, &pt->dq, &pt->qi, &pt->x, &pt->y};
    for (int i = 0; i < 10; i++) {
        free(m[i]->p);
        m[i]->p = NULL;
        m[i]->n = 0;
    }
}

static int bytes_eq(const jgi_bytes *a, const jgi_bytes *b)
{
    return a->n == b->n && (a->n == 0 || memcmp(a->p, b->p, a->n) == 0);
}

static int parts_eq(const jgi_parts *a, const jgi_parts *b)
{
    return bytes_eq(&a->n, &b->n) && bytes_eq(&a->e, &b->e) &&
           bytes_eq(&a->d, &b->d) && bytes_eq(&a->p, &b->p) &&
           bytes_eq(&a->q, &b->q) && bytes_eq(&a->dp, &b->dp) &&
           bytes_eq(&a->dq, &b->dq) && bytes_eq(&a->qi, &b->qi) &&
           bytes_eq(&a->x, &b->x) && bytes_eq(&a->y, &b->y);
}

static size_t unhex(uint8_t *out, size_t cap, const char *h)
{
    size_t n = strlen(h) / 2;
    assert_true(n <= cap);
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        assert_int_equal(sscanf(h + 2 * i, "%2x", &v), 1);
        out[i] = (uint8_t)v;
    }
    return n;
}

/* ---- shared keys, made once ---- */
static struct {
    jg_key *hs, *rsa, *rsa2, *p256, *p256b, *p384, *p521, *k1, *ed25519,
        *ed25519b, *ed448, *ed448b, *x25519, *x25519b, *x448, *x448b;
} K;

static int setup_keys(void **state)
{
    (void)state;
    K.hs = key_oct(64, 0x5a, JG_ALG_UNKNOWN);
    if (jgi_key_prepare(K.hs) != JG_OK)
        return -1;
    K.rsa = key_gen(JG_KTY_RSA, JG_CRV_NONE);
    K.rsa2 = key_gen(JG_KTY_RSA, JG_CRV_NONE);
    K.p256 = key_gen(JG_KTY_EC, JG_CRV_P256);
    K.p256b = key_gen(JG_KTY_EC, JG_CRV_P256);
    K.p384 = key_gen(JG_KTY_EC, JG_CRV_P384);
    K.p521 = key_gen(JG_KTY_EC, JG_CRV_P521);
    K.k1 = key_gen(JG_KTY_EC, JG_CRV_SECP256K1);
    K.ed25519 = key_gen(JG_KTY_OKP, JG_CRV_ED25519);
    K.ed25519b = key_gen(JG_KTY_OKP, JG_CRV_ED25519);
    K.ed448 = key_gen(JG_KTY_OKP, JG_CRV_ED448);
    K.ed448b = key_gen(JG_KTY_OKP, JG_CRV_ED448);
    K.x25519 = key_gen(JG_KTY_OKP, JG_CRV_X25519);
    K.x25519b = key_gen(JG_KTY_OKP, JG_CRV_X25519);
    K.x448 = key_gen(JG_KTY_OKP, JG_CRV_X448);
    K.x448b = key_gen(JG_KTY_OKP, JG_CRV_X448);
    return 0;
}

static int teardown_keys(void **state)
{
    jg_key **all = (jg_key **)&K;
    (void)state;
    for (size_t i = 0; i < sizeof K / sizeof(jg_key *); i++)
        key_free(all[i]);
    return 0;
}

typedef struct alg_case {
    jg_alg alg;
    jg_key **key;
    size_t sig_len;
} alg_case;

static const alg_case CASES[] = {
    {JG_HS256, &K.hs, 32},       {JG_HS384, &K.hs, 48},
    {JG_HS512, &K.hs, 64},       {JG_RS256, &K.rsa, 256},
    {JG_RS384, &K.rsa, 256},     {JG_RS512, &K.rsa, 256},
    {JG_PS256, &K.rsa, 256},     {JG_PS384, &K.rsa, 256},
    {JG_PS512, &K.rsa, 256},     {JG_ES256, &K.p256, 64},
    {JG_ES384, &K.p384, 96},     {JG_ES512, &K.p521, 132},
    {JG_ES256K, &K.k1, 64},      {JG_EDDSA, &K.ed25519, 64},
    {JG_ED25519, &K.ed25519, 64}, {JG_EDDSA, &K.ed448, 114},
    {JG_ED448, &K.ed448, 114},
};
#define NCASES (sizeof CASES / sizeof CASES[0])

/* ---- round trips, lengths, tampering ---- */
static void test_roundtrip_every_alg(void **state)
{
    (void)state;
    for (size_t i = 0; i < NCASES; i++) {
        const jg_key *k = *CASES[i].key;
        uint8_t sig[JGI_SIG_MAX];
        size_t sl = 0;
        assert_int_equal(jgi_sign(k, CASES[i].alg, MSG, MSG_LEN, sig, &sl),
                         JG_OK);
        assert_int_equal(sl, CASES[i].sig_len);
        assert_int_equal(jgi_verify(k, CASES[i].alg, MSG, MSG_LEN, sig, sl),
                         JG_OK);
        /* an empty message is a message too */
        assert_int_equal(jgi_sign(k, CASES[i].alg, NULL, 0, sig, &sl), JG_OK);
        assert_int_equal(jgi_verify(k, CASES[i].alg, NULL, 0, sig, sl),
                         JG_OK);
        assert_int_equal(jgi_verify(k, CASES[i].alg, MSG, 1, sig, sl),
                         JG_E_BAD_SIGNATURE);
    }
}

static void test_wrong_lengths(void **state)
{
    (void)state;
    for (size_t i = 0; i < NCASES; i++) {
        const jg_key *k = *CASES[i].key;
        uint8_t sig[JGI_SIG_MAX + 1];
        size_t sl = 0;
        assert_int_equal(jgi_sign(k, CASES[i].alg, MSG, MSG_LEN, sig, &sl),
                         JG_OK);
        /* one byte short, one byte long (a zero), empty, half */
        sig[sl] = 0;
        assert_int_equal(jgi_verify(k, CASES[i].alg, MSG, MSG_LEN, sig,
                                    sl - 1), JG_E_BAD_SIGNATURE);
        assert_int_equal(jgi_verify(k, CASES[i].alg, MSG, MSG_LEN, sig,
                                    sl + 1), JG_E_BAD_SIGNATURE);
        assert_int_equal(jgi_verify(k, CASES[i].alg, MSG, MSG_LEN, sig, 0),
                         JG_E_BAD_SIGNATURE);
        assert_int_equal(jgi_verify(k, CASES[i].alg, MSG, MSG_LEN, NULL, 0),
                         JG_E_BAD_SIGNATURE);
        assert_int_equal(jgi_verify(k, CASES[i].alg, MSG, MSG_LEN, sig,
                                    sl / 2), JG_E_BAD_SIGNATURE);
        /* a leading zero byte in front: same number, wrong length */
        memmove(sig + 1, sig, sl);
        sig[0] = 0;
        assert_int_equal(jgi_verify(k, CASES[i].alg, MSG, MSG_LEN, sig,
                                    sl + 1), JG_E_BAD_SIGNATURE);
    }
}

static void test_tamper_loop(void **state)
{
    (void)state;
    for (size_t i = 0; i < NCASES; i++) {
        const jg_key *k = *CASES[i].key;
        jg_alg alg = CASES[i].alg;
        uint8_t sig[JGI_SIG_MAX], msg[sizeof MSG];
        size_t sl = 0;
        memcpy(msg, MSG, sizeof MSG);
        assert_int_equal(jgi_sign(k, alg, msg, MSG_LEN, sig, &sl), JG_OK);
        for (size_t j = 0; j < sl; j++) {
            sig[j] ^= 0x01;
            assert_int_not_equal(jgi_verify(k, alg, msg, MSG_LEN, sig, sl),
                                 JG_OK);
            sig[j] ^= 0x81;
            assert_int_not_equal(jgi_verify(k, alg, msg, MSG_LEN, sig, sl),
                                 JG_OK);
            sig[j] ^= 0x80;
        }
        for (size_t j = 0; j < MSG_LEN; j++) {
            msg[j] ^= 0x01;
            assert_int_not_equal(jgi_verify(k, alg, msg, MSG_LEN, sig, sl),
                                 JG_OK);
            msg[j] ^= 0x01;
        }
        assert_int_equal(jgi_verify(k, alg, msg, MSG_LEN, sig, sl), JG_OK);
    }
}

/* ---- ECDSA encoding and range ---- */
static const char P256_N[] =
    "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551";
static const char P256_P[] =
    "ffffffff00000001000000000000000000000000ffffffffffffffffffffffff";
static const char P256_GX[] =
    "6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296";
static const char P256_GY[] =
    "4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5";

/* out = a - b, 32-byte big-endian, a >= b */
static void sub32(uint8_t *out, const uint8_t *a, const uint8_t *b)
{
    int borrow = 0;
    for (int i = 31; i >= 0; i--) {
        int v = a[i] - b[i] - borrow;
        borrow = v < 0;
        out[i] = (uint8_t)(v + (borrow ? 256 : 0));
    }
}

static void test_ecdsa_range(void **state)
{
    uint8_t sig[JGI_SIG_MAX], bad[64], n[32], nm1[32], one[32] = {0};
    size_t sl = 0;
    const jg_key *k = K.p256;
    (void)state;
    unhex(n, sizeof n, P256_N);
    one[31] = 1;
    sub32(nm1, n, one);
    assert_int_equal(jgi_sign(k, JG_ES256, MSG, MSG_LEN, sig, &sl), JG_OK);
    assert_int_equal(sl, 64);

    /* r = 0, s = 0, both 0 (CVE-2022-21449) */
    memcpy(bad, sig, 64);
    memset(bad, 0, 32);
    assert_int_equal(jgi_verify(k, JG_ES256, MSG, MSG_LEN, bad, 64),
                     JG_E_BAD_SIGNATURE);
    memcpy(bad, sig, 64);
    memset(bad + 32, 0, 32);
    assert_int_equal(jgi_verify(k, JG_ES256, MSG, MSG_LEN, bad, 64),
                     JG_E_BAD_SIGNATURE);
    memset(bad, 0, 64);
    assert_int_equal(jgi_verify(k, JG_ES256, MSG, MSG_LEN, bad, 64),
                     JG_E_BAD_SIGNATURE);
    /* r = n, s = n, r = n - 1, s = n - 1, all ones */
    memcpy(bad, sig, 64);
    memcpy(bad, n, 32);
    assert_int_equal(jgi_verify(k, JG_ES256, MSG, MSG_LEN, bad, 64),
                     JG_E_BAD_SIGNATURE);
    memcpy(bad, sig, 64);
    memcpy(bad + 32, n, 32);
    assert_int_equal(jgi_verify(k, JG_ES256, MSG, MSG_LEN, bad, 64),
                     JG_E_BAD_SIGNATURE);
    memcpy(bad, sig, 64);
    memcpy(bad, nm1, 32);
    assert_int_equal(jgi_verify(k, JG_ES256, MSG, MSG_LEN, bad, 64),
                     JG_E_BAD_SIGNATURE);
    memcpy(bad, sig, 64);
    memcpy(bad + 32, nm1, 32);
    assert_int_equal(jgi_verify(k, JG_ES256, MSG, MSG_LEN, bad, 64),
                     JG_E_BAD_SIGNATURE);
    memset(bad, 0xff, 64);
    assert_int_equal(jgi_verify(k, JG_ES256, MSG, MSG_LEN, bad, 64),
                     JG_E_BAD_SIGNATURE);
    /* (r, n - s) is the other valid signature: values close to n are in
     * range and reach the backend, which accepts it. (r + n, s) needs 33
     * bytes for r and is refused by length: see test_wrong_lengths. */
    memcpy(bad, sig, 64);
    sub32(bad + 32, n, sig + 32);
    assert_int_equal(jgi_verify(k, JG_ES256, MSG, MSG_LEN, bad, 64), JG_OK);
    /* P-521: the top byte of r above 0x01 is >= n */
    assert_int_equal(jgi_sign(K.p521, JG_ES512, MSG, MSG_LEN, sig, &sl),
                     JG_OK);
    sig[0] |= 0x02;
    assert_int_equal(jgi_verify(K.p521, JG_ES512, MSG, MSG_LEN, sig, sl),
                     JG_E_BAD_SIGNATURE);
}

/* DER-encode r||s (32-byte halves) as a lax library would want it. */
static size_t der_of(uint8_t *out, const uint8_t *rs, size_t cs)
{
    size_t o = 2;
    for (int h = 0; h < 2; h++) {
        const uint8_t *v = rs + (size_t)h * cs;
        size_t n = cs, z = 0;
        while (n > 1 && v[0] == 0) {
            v++;
            n--;
        }
        z = v[0] & 0x80 ? 1 : 0;
        out[o++] = 0x02;
        out[o++] = (uint8_t)(n + z);
        if (z)
            out[o++] = 0;
        memcpy(out + o, v, n);
        o += n;
    }
    out[0] = 0x30;
    out[1] = (uint8_t)(o - 2);
    return o;
}

static void test_ecdsa_der_refused(void **state)
{
    uint8_t sig[JGI_SIG_MAX], der[80], pad[64];
    size_t sl = 0, dl;
    (void)state;
    assert_int_equal(jgi_sign(K.p256, JG_ES256, MSG, MSG_LEN, sig, &sl),
                     JG_OK);
    dl = der_of(der, sig, 32);
    assert_true(dl >= 8 && dl <= 72);
    assert_int_equal(jgi_verify(K.p256, JG_ES256, MSG, MSG_LEN, der, dl),
                     JG_E_BAD_SIGNATURE);
    /* DER cut or zero-padded to the raw length is garbage, not a sig */
    memset(pad, 0, sizeof pad);
    memcpy(pad, der, dl < 64 ? dl : 64);
    assert_int_equal(jgi_verify(K.p256, JG_ES256, MSG, MSG_LEN, pad, 64),
                     JG_E_BAD_SIGNATURE);
    /* and the raw form still verifies */
    assert_int_equal(jgi_verify(K.p256, JG_ES256, MSG, MSG_LEN, sig, sl),
                     JG_OK);
}

/* ---- key confusion: an alg that does not fit the key ---- */
static void test_alg_key_mismatch(void **state)
{
    uint8_t sig[JGI_SIG_MAX];
    size_t sl = 0;
    jg_key *pub = NULL;
    jgi_parts pt;
    (void)state;
    assert_int_equal(jgi_sign(K.rsa, JG_HS256, MSG, MSG_LEN, sig, &sl),
                     JG_E_KEY_MISMATCH);
    assert_int_equal(sl, 0);
    assert_int_equal(jgi_verify(K.rsa, JG_HS256, MSG, MSG_LEN, sig, 32),
                     JG_E_KEY_MISMATCH);
    assert_int_equal(jgi_verify(K.p256, JG_HS256, MSG, MSG_LEN, sig, 32),
                     JG_E_KEY_MISMATCH);
    assert_int_equal(jgi_verify(K.ed25519, JG_HS256, MSG, MSG_LEN, sig, 32),
                     JG_E_KEY_MISMATCH);
    assert_int_equal(jgi_sign(K.hs, JG_RS256, MSG, MSG_LEN, sig, &sl),
                     JG_E_KEY_MISMATCH);
    assert_int_equal(jgi_verify(K.hs, JG_ES256, MSG, MSG_LEN, sig, 64),
                     JG_E_KEY_MISMATCH);
    assert_int_equal(jgi_verify(K.hs, JG_EDDSA, MSG, MSG_LEN, sig, 64),
                     JG_E_KEY_MISMATCH);
    assert_int_equal(jgi_verify(K.p256, JG_ES384, MSG, MSG_LEN, sig, 96),
                     JG_E_KEY_MISMATCH);
    assert_int_equal(jgi_verify(K.p256, JG_ES256K, MSG, MSG_LEN, sig, 64),
                     JG_E_KEY_MISMATCH);
    assert_int_equal(jgi_verify(K.k1, JG_ES256, MSG, MSG_LEN, sig, 64),
                     JG_E_KEY_MISMATCH);
    assert_int_equal(jgi_verify(K.p256, JG_RS256, MSG, MSG_LEN, sig, 256),
                     JG_E_KEY_MISMATCH);
    assert_int_equal(jgi_verify(K.rsa, JG_ES256, MSG, MSG_LEN, sig, 64),
                     JG_E_KEY_MISMATCH);
    assert_int_equal(jgi_verify(K.ed25519, JG_ED448, MSG, MSG_LEN, sig, 114),
                     JG_E_KEY_MISMATCH);
    assert_int_equal(jgi_verify(K.ed448, JG_ED25519, MSG, MSG_LEN, sig, 64),
                     JG_E_KEY_MISMATCH);
    assert_int_equal(jgi_sign(K.x25519, JG_EDDSA, MSG, MSG_LEN, sig, &sl),
                     JG_E_KEY_MISMATCH);
    assert_int_equal(jgi_verify(K.x448, JG_EDDSA, MSG, MSG_LEN, sig, 114),
                     JG_E_KEY_MISMATCH);
    assert_int_equal(jgi_verify(K.rsa, JG_ALG_UNKNOWN, MSG, MSG_LEN, sig, 1),
                     JG_E_KEY_MISMATCH);
    /* PKCS#1 v1.5 and PSS signatures are not interchangeable */
    assert_int_equal(jgi_sign(K.rsa, JG_RS256, MSG, MSG_LEN, sig, &sl),
                     JG_OK);
    assert_int_equal(jgi_verify(K.rsa, JG_PS256, MSG, MSG_LEN, sig, sl),
                     JG_E_BAD_SIGNATURE);
    assert_int_equal(jgi_verify(K.rsa, JG_RS384, MSG, MSG_LEN, sig, sl),
                     JG_E_BAD_SIGNATURE);
    assert_int_equal(jgi_sign(K.rsa, JG_PS256, MSG, MSG_LEN, sig, &sl),
                     JG_OK);
    assert_int_equal(jgi_verify(K.rsa, JG_RS256, MSG, MSG_LEN, sig, sl),
                     JG_E_BAD_SIGNATURE);
    assert_int_equal(jgi_verify(K.rsa, JG_PS384, MSG, MSG_LEN, sig, sl),
                     JG_E_BAD_SIGNATURE);
    /* another key of the same kind */
    assert_int_equal(jgi_verify(K.rsa2, JG_PS256, MSG, MSG_LEN, sig, sl),
                     JG_E_BAD_SIGNATURE);
    /* a public key cannot sign */
    assert_int_equal(jgi_key_export(K.p256, 0, &pt), JG_OK);
    assert_int_equal(import(JG_KTY_EC, JG_CRV_P256, &pt, &pub, NULL, 0),
                     JG_OK);
    jgi_parts_free(&pt);
    assert_int_equal(pub->has_private, 0);
    assert_int_equal(jgi_sign(pub, JG_ES256, MSG, MSG_LEN, sig, &sl),
                     JG_E_KEY_MISMATCH);
    key_free(pub);
}

/* ---- HMAC key rules ---- */
static void test_hmac_rules(void **state)
{
    uint8_t sig[JGI_SIG_MAX];
    size_t sl = 0;
    jg_key *k32 = key_oct(32, 0x11, JG_ALG_UNKNOWN);
    jg_key *k31 = key_oct(31, 0x11, JG_ALG_UNKNOWN);
    jg_key *k0 = key_oct(0, 0, JG_ALG_UNKNOWN);
    jg_key *k64 = key_oct(64, 0x22, JG_HS256);
    (void)state;
    /* RFC 7518 §3.2: never shorter than the hash, never empty */
    assert_int_equal(jgi_key_prepare(k31), JG_E_KEY_INVALID);
    assert_int_equal(jgi_key_prepare(k0), JG_E_KEY_INVALID);
    assert_int_equal(jgi_key_prepare(k32), JG_OK);
    assert_int_equal(jgi_key_prepare(k32), JG_OK); /* idempotent */
    assert_int_equal(k32->bits, 256);
    assert_int_equal(jgi_sign(k32, JG_HS256, MSG, MSG_LEN, sig, &sl), JG_OK);
    assert_int_equal(jgi_sign(k32, JG_HS384, MSG, MSG_LEN, sig, &sl),
                     JG_E_KEY_MISMATCH);
    assert_int_equal(jgi_sign(k32, JG_HS512, MSG, MSG_LEN, sig, &sl),
                     JG_E_KEY_MISMATCH);
    assert_int_equal(jgi_verify(k32, JG_HS512, MSG, MSG_LEN, sig, 64),
                     JG_E_KEY_MISMATCH);
    /* a key whose own alg is HS256 does only HS256 */
    assert_int_equal(jgi_key_prepare(k64), JG_OK);
    assert_int_equal(jgi_sign(k64, JG_HS512, MSG, MSG_LEN, sig, &sl),
                     JG_E_KEY_MISMATCH);
    assert_int_equal(jgi_sign(k64, JG_HS256, MSG, MSG_LEN, sig, &sl), JG_OK);
    /* truncated and extended tags */
    assert_int_equal(jgi_verify(k64, JG_HS256, MSG, MSG_LEN, sig, 16),
                     JG_E_BAD_SIGNATURE);
    assert_int_equal(jgi_verify(k64, JG_HS256, MSG, MSG_LEN, sig, 31),
                     JG_E_BAD_SIGNATURE);
    sig[32] = 0;
    assert_int_equal(jgi_verify(k64, JG_HS256, MSG, MSG_LEN, sig, 33),
                     JG_E_BAD_SIGNATURE);
    assert_int_equal(jgi_verify(k64, JG_HS256, MSG, MSG_LEN, sig, 32), JG_OK);
    /* different secrets give different MACs */
    {
        uint8_t s2[JGI_SIG_MAX];
        size_t l2 = 0;
        assert_int_equal(jgi_sign(k32, JG_HS256, MSG, MSG_LEN, s2, &l2),
                         JG_OK);
        assert_memory_not_equal(sig, s2, 32);
        assert_int_equal(jgi_verify(k32, JG_HS256, MSG, MSG_LEN, sig, 32),
                         JG_E_BAD_SIGNATURE);
    }
    key_free(k32);
    key_free(k31);
    key_free(k0);
    key_free(k64);
}

/* RFC 4231 test case 6 uses a 131-byte key (longer than the block): the
 * only one of its cases with a key long enough for JWS. */
static void test_hmac_rfc4231(void **state)
{
    static const char msg[] =
        "Test Using Larger Than Block-Size Key - Hash Key First";
    static const char *want[3] = {
        "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
        "4ece084485813e9088d2c63a041bc5b44f9ef1012a2b588f3cd11f05033ac4c6"
        "0c2ef6ab4030fe8296248df163f44952",
        "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f352"
        "6b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598"};
    static const jg_alg algs[3] = {JG_HS256, JG_HS384, JG_HS512};
    jg_key *k = key_oct(131, 0xaa, JG_ALG_UNKNOWN);
    (void)state;
    assert_int_equal(jgi_key_prepare(k), JG_OK);
    for (int i = 0; i < 3; i++) {
        uint8_t exp[64], sig[JGI_SIG_MAX];
        size_t n = unhex(exp, sizeof exp, want[i]), sl = 0;
        assert_int_equal(jgi_sign(k, algs[i], (const uint8_t *)msg,
                                  sizeof msg - 1, sig, &sl), JG_OK);
        assert_int_equal(sl, n);
        assert_memory_equal(sig, exp, n);
        assert_int_equal(jgi_verify(k, algs[i], (const uint8_t *)msg,
                                    sizeof msg - 1, exp, n), JG_OK);
    }
    key_free(k);
}

/* ---- RFC 8032 §7.1 test 1 and §7.4 "blank" (empty message) ---- */
static void test_rfc8032(void **state)
{
    static const struct {
        jg_crv crv;
        jg_alg alg;
        const char *d, *x, *sig;
    } v[] = {
        {JG_CRV_ED25519, JG_ED25519,
         "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
         "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
         "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
         "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"},
        {JG_CRV_ED448, JG_ED448,
         "6c82a562cb808d10d632be89c8513ebf6c929f34ddfa8c9f63c9960ef6e348a3"
         "528c8a3fcc2f044e39a3fc5b94492f8f032e7549a20098f95b",
         "5fd7449b59b461fd2ce787ec616ad46a1da1342485a70e1f8a0ea75d80e96778"
         "edf124769b46c7061bd6783df1e50f6cd1fa1abeafe8256180",
         "533a37f6bbe457251f023c0d88f976ae2dfb504a843e34d2074fd823d41a591f"
         "2b233f034f628281f2fd7a22ddd47d7828c59bd0a21bfd3980ff0d2028d4b18a"
         "9df63e006c5d1c2d345b925d8dc00b4104852db99ac5c7cdda8530a113a0f4db"
         "b61149f05a7363268c71d95808ff2e652600"},
    };
    (void)state;
    for (size_t i = 0; i < 2; i++) {
        uint8_t d[57], x[57], want[114], sig[JGI_SIG_MAX];
        size_t dl = unhex(d, sizeof d, v[i].d), xl = unhex(x, sizeof x, v[i].x);
        size_t wl = unhex(want, sizeof want, v[i].sig), sl = 0;
        jgi_parts pt;
        jg_key *k = NULL;
        memset(&pt, 0, sizeof pt);
        pt.d.p = d;
        pt.d.n = dl;
        pt.x.p = x;
        pt.x.n = xl;
        assert_int_equal(import(JG_KTY_OKP, v[i].crv, &pt, &k, NULL, 0),
                         JG_OK);
        assert_int_equal(jgi_sign(k, v[i].alg, (const uint8_t *)"", 0, sig,
                                  &sl), JG_OK);
        assert_int_equal(sl, wl);
        assert_memory_equal(sig, want, wl);
        assert_int_equal(jgi_sign(k, JG_EDDSA, (const uint8_t *)"", 0, sig,
                                  &sl), JG_OK);
        assert_memory_equal(sig, want, wl);
        assert_int_equal(jgi_verify(k, JG_EDDSA, NULL, 0, want, wl), JG_OK);
        key_free(k);
        /* the public half alone verifies it */
        pt.d.p = NULL;
        pt.d.n = 0;
        assert_int_equal(import(JG_KTY_OKP, v[i].crv, &pt, &k, NULL, 0),
                         JG_OK);
        assert_int_equal(jgi_verify(k, v[i].alg, NULL, 0, want, wl), JG_OK);
        assert_int_equal(jgi_verify(k, v[i].alg, (const uint8_t *)"x", 1,
                                    want, wl), JG_E_BAD_SIGNATURE);
        key_free(k);
    }
}

/* ---- RSA import checks ---- */
static void test_rsa_import_checks(void **state)
{
    jgi_parts full, other, t;
    char why[256];
    jg_key *k = NULL;
    uint8_t buf[2100];
    (void)state;
    assert_int_equal(jgi_key_export(K.rsa, 1, &full), JG_OK);
    assert_int_equal(jgi_key_export(K.rsa2, 1, &other), JG_OK);
    assert_int_equal(full.n.n, 256);
    assert_int_not_equal(full.n.p[0], 0);

    /* the full private key and its public half import */
    assert_int_equal(import(JG_KTY_RSA, 0, &full, &k, why, sizeof why), JG_OK);
    assert_int_equal(k->bits, 2048);
    assert_int_equal(k->has_private, 1);
    key_free(k);
    memset(&t, 0, sizeof t);
    bytes_set(&t.n, full.n.p, full.n.n);
    bytes_set(&t.e, full.e.p, full.e.n);
    assert_int_equal(import(JG_KTY_RSA, 0, &t, &k, why, sizeof why), JG_OK);
    assert_int_equal(k->has_private, 0);
    key_free(k);

    /* 1024 bits (RFC 7518 §3.3) */
    bytes_set(&t.n, full.n.p, 128);
    assert_int_equal(import(JG_KTY_RSA, 0, &t, NULL, why, sizeof why),
                     JG_E_KEY_INVALID);
    assert_non_null(strstr(why, "1024 bits < 2048"));
    /* more than 16384 bits */
    memset(buf, 0xc5, sizeof buf);
    bytes_set(&t.n, buf, 2049);
    assert_int_equal(import(JG_KTY_RSA, 0, &t, NULL, why, sizeof why),
                     JG_E_KEY_INVALID);
    /* a leading zero byte (not minimal) */
    buf[0] = 0;
    memcpy(buf + 1, full.n.p, 256);
    bytes_set(&t.n, buf, 257);
    assert_int_equal(import(JG_KTY_RSA, 0, &t, NULL, why, sizeof why),
                     JG_E_KEY_INVALID);
    assert_non_null(strstr(why, "leading zero"));
    /* an even modulus */
    memcpy(buf, full.n.p, 256);
    buf[255] &= 0xfe;
    bytes_set(&t.n, buf, 256);
    assert_int_equal(import(JG_KTY_RSA, 0, &t, NULL, why, sizeof why),
                     JG_E_KEY_INVALID);
    bytes_set(&t.n, full.n.p, full.n.n);
    /* e = 1, e = 2, e = 65536, e with a leading zero, e = 3 is fine */
    bytes_set(&t.e, (const uint8_t *)"\x01", 1);
    assert_int_equal(import(JG_KTY_RSA, 0, &t, NULL, why, sizeof why),
                     JG_E_KEY_INVALID);
    assert_non_null(strstr(why, "exponent 1"));
    bytes_set(&t.e, (const uint8_t *)"\x02", 1);
    assert_int_equal(import(JG_KTY_RSA, 0, &t, NULL, why, sizeof why),
                     JG_E_KEY_INVALID);
    assert_non_null(strstr(why, "even"));
    bytes_set(&t.e, (const uint8_t *)"\x01\x00\x00", 3);
    assert_int_equal(import(JG_KTY_RSA, 0, &t, NULL, why, sizeof why),
                     JG_E_KEY_INVALID);
    bytes_set(&t.e, (const uint8_t *)"\x00\x01\x00\x01", 4);
    assert_int_equal(import(JG_KTY_RSA, 0, &t, NULL, why, sizeof why),
                     JG_E_KEY_INVALID);
    bytes_set(&t.e, (const uint8_t *)"\x03", 1);
    assert_int_equal(import(JG_KTY_RSA, 0, &t, NULL, why, sizeof why), JG_OK);
    /* e as large as n, e longer than 256 bits */
    bytes_set(&t.e, full.n.p, full.n.n);
    assert_int_equal(import(JG_KTY_RSA, 0, &t, NULL, why, sizeof why),
                     JG_E_KEY_INVALID);
    memset(buf, 0x01, 33);
    bytes_set(&t.e, buf, 33);
    assert_int_equal(import(JG_KTY_RSA, 0, &t, NULL, why, sizeof why),
                     JG_E_KEY_INVALID);
    /* no n or no e */
    bytes_set(&t.e, full.e.p, full.e.n);
    free(t.n.p);
    t.n.p = NULL;
    t.n.n = 0;
    assert_int_equal(import(JG_KTY_RSA, 0, &t, NULL, why, sizeof why),
                     JG_E_KEY_INVALID);
    parts_free_copy(&t);

    /* private halves that do not match: another key's d, swapped p/q */
    parts_copy(&t, &full);
    bytes_set(&t.d, other.d.p, other.d.n);
    assert_int_equal(import(JG_KTY_RSA, 0, &t, NULL, why, sizeof why),
                     JG_E_KEY_INVALID);
    assert_non_null(strstr(why, "do not match"));
    parts_free_copy(&t);
    parts_copy(&t, &full);
    bytes_set(&t.n, other.n.p, other.n.n);
    assert_int_equal(import(JG_KTY_RSA, 0, &t, NULL, why, sizeof why),
                     JG_E_KEY_INVALID);
    parts_free_copy(&t);
    parts_copy(&t, &full);
    bytes_set(&t.p, full.q.p, full.q.n);
    bytes_set(&t.q, full.p.p, full.p.n);
    assert_int_equal(import(JG_KTY_RSA, 0, &t, NULL, why, sizeof why),
                     JG_E_KEY_INVALID);
    parts_free_copy(&t);
    /* d without the CRT members is refused, so is a partial set */
    parts_copy(&t, &full);
    free(t.qi.p);
    t.qi.p = NULL;
    t.qi.n = 0;
    assert_int_equal(import(JG_KTY_RSA, 0, &t, NULL, why, sizeof why),
                     JG_E_KEY_INVALID);
    assert_non_null(strstr(why, "qi is missing"));
    parts_free_copy(&t);
    memset(&t, 0, sizeof t);
    bytes_set(&t.n, full.n.p, full.n.n);
    bytes_set(&t.e, full.e.p, full.e.n);
    bytes_set(&t.d, full.d.p, full.d.n);
    assert_int_equal(import(JG_KTY_RSA, 0, &t, NULL, why, sizeof why),
                     JG_E_KEY_INVALID);
    assert_non_null(strstr(why, "CRT"));
    parts_free_copy(&t);
    jgi_parts_free(&full);
    jgi_parts_free(&other);
    assert_null(full.n.p);
}

/* ---- EC import checks ---- */
static void test_ec_import_checks(void **state)
{
    jgi_parts a, b, t;
    char why[256];
    jg_key *k = NULL;
    uint8_t n[32], p[32], gx[32], gy[32], v[32], one[32] = {0};
    uint8_t sig[JGI_SIG_MAX];
    size_t sl = 0;
    (void)state;
    assert_int_equal(jgi_key_export(K.p256, 1, &a), JG_OK);
    assert_int_equal(jgi_key_export(K.p256b, 1, &b), JG_OK);
    assert_int_equal(a.x.n, 32);
    assert_int_equal(a.d.n, 32);

    assert_int_equal(import(JG_KTY_EC, JG_CRV_P256, &a, &k, why, sizeof why),
                     JG_OK);
    assert_int_equal(k->bits, 256);
    key_free(k);
    /* off the curve: one bit of y */
    parts_copy(&t, &a);
    t.y.p[31] ^= 1;
    assert_int_equal(import(JG_KTY_EC, JG_CRV_P256, &t, NULL, why, sizeof why),
                     JG_E_KEY_INVALID);
    free(t.d.p);
    t.d.p = NULL;
    t.d.n = 0;
    assert_int_equal(import(JG_KTY_EC, JG_CRV_P256, &t, NULL, why, sizeof why),
                     JG_E_KEY_INVALID);
    assert_non_null(strstr(why, "not on"));
    /* coordinates >= p */
    memset(v, 0xff, 32);
    bytes_set(&t.x, v, 32);
    assert_int_equal(import(JG_KTY_EC, JG_CRV_P256, &t, NULL, why, sizeof why),
                     JG_E_KEY_INVALID);
    /* wrong sizes: 31 and 33 bytes, a P-256 point as P-384 */
    bytes_set(&t.x, a.x.p + 1, 31);
    bytes_set(&t.y, a.y.p, 32);
    assert_int_equal(import(JG_KTY_EC, JG_CRV_P256, &t, NULL, why, sizeof why),
                     JG_E_KEY_INVALID);
    assert_non_null(strstr(why, "exactly 32 bytes"));
    bytes_set(&t.x, a.x.p, 32);
    assert_int_equal(import(JG_KTY_EC, JG_CRV_P384, &t, NULL, why, sizeof why),
                     JG_E_KEY_INVALID);
    assert_int_equal(import(JG_KTY_EC, JG_CRV_ED25519, &t, NULL, why,
                            sizeof why), JG_E_UNSUPPORTED);
    assert_int_equal(import(JG_KTY_EC, JG_CRV_P256, &t, NULL, why, sizeof why),
                     JG_OK);
    /* d of another key, d one byte short */
    bytes_set(&t.d, b.d.p, 32);
    assert_int_equal(import(JG_KTY_EC, JG_CRV_P256, &t, NULL, why, sizeof why),
                     JG_E_KEY_INVALID);
    assert_non_null(strstr(why, "does not match"));
    bytes_set(&t.d, a.d.p + 1, 31);
    assert_int_equal(import(JG_KTY_EC, JG_CRV_P256, &t, NULL, why, sizeof why),
                     JG_E_KEY_INVALID);
    parts_free_copy(&t);

    /* the edges of d: 1 and n - 1 are keys (Q = G and Q = -G), 0 and n
     * are not */
    unhex(n, 32, P256_N);
    unhex(p, 32, P256_P);
    unhex(gx, 32, P256_GX);
    unhex(gy, 32, P256_GY);
    one[31] = 1;
    memset(&t, 0, sizeof t);
    bytes_set(&t.x, gx, 32);
    bytes_set(&t.y, gy, 32);
    bytes_set(&t.d, one, 32);
    assert_int_equal(import(JG_KTY_EC, JG_CRV_P256, &t, &k, why, sizeof why),
                     JG_OK);
    assert_int_equal(jgi_sign(k, JG_ES256, MSG, MSG_LEN, sig, &sl), JG_OK);
    assert_int_equal(jgi_verify(k, JG_ES256, MSG, MSG_LEN, sig, sl), JG_OK);
    key_free(k);
    sub32(v, n, one);
    bytes_set(&t.d, v, 32); /* n - 1 with Q = G: wrong point */
    assert_int_equal(import(JG_KTY_EC, JG_CRV_P256, &t, NULL, why, sizeof why),
                     JG_E_KEY_INVALID);
    sub32(v, p, gy);
    bytes_set(&t.y, v, 32); /* -G */
    assert_int_equal(import(JG_KTY_EC, JG_CRV_P256, &t, &k, why, sizeof why),
                     JG_OK);
    assert_int_equal(jgi_sign(k, JG_ES256, MSG, MSG_LEN, sig, &sl), JG_OK);
    assert_int_equal(jgi_verify(k, JG_ES256, MSG, MSG_LEN, sig, sl), JG_OK);
    key_free(k);
    bytes_set(&t.d, n, 32);
    assert_int_equal(import(JG_KTY_EC, JG_CRV_P256, &t, NULL, why, sizeof why),
                     JG_E_KEY_INVALID);
    memset(v, 0, 32);
    bytes_set(&t.d, v, 32);
    assert_int_equal(import(JG_KTY_EC, JG_CRV_P256, &t, NULL, why, sizeof why),
                     JG_E_KEY_INVALID);
    parts_free_copy(&t);
    jgi_parts_free(&a);
    jgi_parts_free(&b);
}

/* ---- OKP import checks ---- */
static void test_okp_import_checks(void **state)
{
    static const struct {
        jg_key **a, **b;
        jg_crv crv;
        size_t len;
    } c[] = {{&K.ed25519, &K.ed25519b, JG_CRV_ED25519, 32},
             {&K.ed448, &K.ed448b, JG_CRV_ED448, 57},
             {&K.x25519, &K.x25519b, JG_CRV_X25519, 32},
             {&K.x448, &K.x448b, JG_CRV_X448, 56}};
    char why[256];
    (void)state;
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        jgi_parts a, b, t;
        jg_key *k = NULL;
        assert_int_equal(jgi_key_export(*c[i].a, 1, &a), JG_OK);
        assert_int_equal(jgi_key_export(*c[i].b, 1, &b), JG_OK);
        assert_int_equal(a.x.n, c[i].len);
        assert_int_equal(a.d.n, c[i].len);
        assert_int_equal(import(JG_KTY_OKP, c[i].crv, &a, &k, why, sizeof why),
                         JG_OK);
        assert_int_equal(k->has_private, 1);
        key_free(k);
        /* d of one key, x of another */
        parts_copy(&t, &a);
        bytes_set(&t.x, b.x.p, b.x.n);
        assert_int_equal(import(JG_KTY_OKP, c[i].crv, &t, NULL, why,
                                sizeof why), JG_E_KEY_INVALID);
        assert_non_null(strstr(why, "does not match"));
        /* wrong sizes, a y member */
        bytes_set(&t.x, a.x.p, c[i].len - 1);
        assert_int_equal(import(JG_KTY_OKP, c[i].crv, &t, NULL, why,
                                sizeof why), JG_E_KEY_INVALID);
        bytes_set(&t.x, a.x.p, c[i].len);
        bytes_set(&t.d, a.d.p, c[i].len - 1);
        assert_int_equal(import(JG_KTY_OKP, c[i].crv, &t, NULL, why,
                                sizeof why), JG_E_KEY_INVALID);
        bytes_set(&t.d, a.d.p, c[i].len);
        bytes_set(&t.y, a.x.p, c[i].len);
        assert_int_equal(import(JG_KTY_OKP, c[i].crv, &t, NULL, why,
                                sizeof why), JG_E_KEY_INVALID);
        parts_free_copy(&t);
        jgi_parts_free(&a);
        jgi_parts_free(&b);
    }
    /* Ed25519 public keys that are not points of the group */
    {
        uint8_t x[32] = {1}; /* the identity (small order) */
        jgi_parts t;
        memset(&t, 0, sizeof t);
        t.x.p = x;
        t.x.n = 32;
        assert_int_equal(import(JG_KTY_OKP, JG_CRV_ED25519, &t, NULL, why,
                                sizeof why), JG_E_KEY_INVALID);
        memset(x, 0xff, 32); /* y >= p: non-canonical */
        x[31] = 0x7f;
        assert_int_equal(import(JG_KTY_OKP, JG_CRV_ED25519, &t, NULL, why,
                                sizeof why), JG_E_KEY_INVALID);
        assert_int_equal(import(JG_KTY_OKP, JG_CRV_P256, &t, NULL, why,
                                sizeof why), JG_E_UNSUPPORTED);
    }
}

/* ---- export / import round trip ---- */
static void test_export_import(void **state)
{
    jg_key **keys[] = {&K.rsa, &K.p256, &K.p384, &K.p521, &K.k1, &K.ed25519,
                       &K.ed448, &K.x25519, &K.x448};
    static const jg_alg algs[] = {JG_PS256, JG_ES256, JG_ES384, JG_ES512,
                                  JG_ES256K, JG_EDDSA, JG_EDDSA,
                                  JG_ALG_UNKNOWN, JG_ALG_UNKNOWN};
    static const size_t bits[] = {2048, 256, 384, 521, 256, 256, 456, 256, 448};
    (void)state;
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        const jg_key *orig = *keys[i];
        jgi_parts priv, pub, again;
        jg_key *kp = NULL, *ku = NULL;
        uint8_t sig[JGI_SIG_MAX];
        size_t sl = 0;
        assert_int_equal(orig->bits, bits[i]);
        assert_int_equal(jgi_key_export(orig, 1, &priv), JG_OK);
        assert_int_equal(jgi_key_export(orig, 0, &pub), JG_OK);
        assert_null(pub.d.p);
        assert_non_null(priv.d.p);
        assert_int_equal(import(orig->kty, orig->crv, &priv, &kp, NULL, 0),
                         JG_OK);
        assert_int_equal(import(orig->kty, orig->crv, &pub, &ku, NULL, 0),
                         JG_OK);
        assert_int_equal(kp->bits, bits[i]);
        assert_int_equal(ku->has_private, 0);
        assert_int_equal(jgi_key_export(kp, 1, &again), JG_OK);
        assert_true(parts_eq(&priv, &again));
        jgi_parts_free(&again);
        assert_int_equal(jgi_key_export(ku, 1, &again), JG_OK);
        assert_true(parts_eq(&pub, &again));
        jgi_parts_free(&again);
        if (algs[i] != JG_ALG_UNKNOWN) {
            /* imported private signs, original and imported public verify */
            assert_int_equal(jgi_sign(kp, algs[i], MSG, MSG_LEN, sig, &sl),
                             JG_OK);
            assert_int_equal(jgi_verify(orig, algs[i], MSG, MSG_LEN, sig, sl),
                             JG_OK);
            assert_int_equal(jgi_verify(ku, algs[i], MSG, MSG_LEN, sig, sl),
                             JG_OK);
        }
        jgi_parts_free(&priv);
        jgi_parts_free(&pub);
        key_free(kp);
        key_free(ku);
    }
}

static void test_generate_args(void **state)
{
    jg_key *k = key_new(JG_KTY_RSA, JG_CRV_NONE);
    (void)state;
    assert_int_equal(jgi_key_generate(k, 1024), JG_E_INVALID_ARG);
    assert_int_equal(jgi_key_generate(k, 16385), JG_E_INVALID_ARG);
    assert_null(k->evp);
    k->kty = JG_KTY_OCT;
    assert_int_equal(jgi_key_generate(k, 0), JG_E_UNSUPPORTED);
    k->kty = JG_KTY_EC;
    k->crv = JG_CRV_ED25519;
    assert_int_equal(jgi_key_generate(k, 0), JG_E_UNSUPPORTED);
    k->kty = JG_KTY_OKP;
    k->crv = JG_CRV_P256;
    assert_int_equal(jgi_key_generate(k, 0), JG_E_UNSUPPORTED);
    assert_null(k->evp);
    key_free(k);
}

/* ---- PEM ---- */
static jg_err from_pem(const char *pem, size_t len, jg_key **out, char *why,
                       size_t wl)
{
    jg_key *k = key_new(JG_KTY_NONE, JG_CRV_NONE);
    jg_err rc = jgi_key_from_pem(k, pem, len, why, wl);
    if (rc != JG_OK) {
        assert_null(k->evp);
        assert_int_equal(k->kty, JG_KTY_NONE);
        key_free(k);
        k = NULL;
    }
    if (out)
        *out = k;
    else
        key_free(k);
    return rc;
}

static void test_pem_roundtrip(void **state)
{
    jg_key **keys[] = {&K.rsa, &K.p256, &K.p384, &K.p521, &K.k1, &K.ed25519,
                       &K.ed448, &K.x25519, &K.x448};
    static const jg_alg algs[] = {JG_RS256, JG_ES256, JG_ES384, JG_ES512,
                                  JG_ES256K, JG_EDDSA, JG_ED448,
                                  JG_ALG_UNKNOWN, JG_ALG_UNKNOWN};
    (void)state;
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        const jg_key *orig = *keys[i];
        jg_buf priv = {0}, pub = {0};
        jg_key *kp = NULL, *ku = NULL;
        jgi_parts a, b;
        char why[256] = "";
        assert_int_equal(jgi_key_to_pem(orig, 0, &priv), JG_OK);
        assert_int_equal(jgi_key_to_pem(orig, 1, &pub), JG_OK);
        assert_non_null(strstr((char *)priv.data,
                               "-----BEGIN PRIVATE KEY-----"));
        assert_non_null(strstr((char *)pub.data,
                               "-----BEGIN PUBLIC KEY-----"));
        assert_int_equal(from_pem((char *)priv.data, priv.len, &kp, why,
                                  sizeof why), JG_OK);
        assert_int_equal(from_pem((char *)pub.data, pub.len, &ku, why,
                                  sizeof why), JG_OK);
        assert_int_equal(kp->kty, orig->kty);
        assert_int_equal(kp->crv, orig->crv);
        assert_int_equal(kp->bits, orig->bits);
        assert_int_equal(kp->has_private, 1);
        assert_int_equal(ku->kty, orig->kty);
        assert_int_equal(ku->crv, orig->crv);
        assert_int_equal(ku->has_private, 0);
        assert_int_equal(jgi_key_export(orig, 1, &a), JG_OK);
        assert_int_equal(jgi_key_export(kp, 1, &b), JG_OK);
        assert_true(parts_eq(&a, &b));
        jgi_parts_free(&a);
        jgi_parts_free(&b);
        assert_int_equal(jgi_key_export(orig, 0, &a), JG_OK);
        assert_int_equal(jgi_key_export(ku, 1, &b), JG_OK);
        assert_true(parts_eq(&a, &b));
        jgi_parts_free(&a);
        jgi_parts_free(&b);
        /* a public key writes SPKI even when private output is asked */
        jg_buf_free(&priv);
        assert_int_equal(jgi_key_to_pem(ku, 0, &priv), JG_OK);
        assert_int_equal(priv.len, pub.len);
        assert_memory_equal(priv.data, pub.data, pub.len);
        if (algs[i] != JG_ALG_UNKNOWN) {
            uint8_t sig[JGI_SIG_MAX];
            size_t sl = 0;
            assert_int_equal(jgi_sign(kp, algs[i], MSG, MSG_LEN, sig, &sl),
                             JG_OK);
            assert_int_equal(jgi_verify(ku, algs[i], MSG, MSG_LEN, sig, sl),
                             JG_OK);
            assert_int_equal(jgi_verify(orig, algs[i], MSG, MSG_LEN, sig, sl),
                             JG_OK);
        }
        key_free(kp);
        key_free(ku);
        jg_buf_free(&priv);
        jg_buf_free(&pub);
    }
}

static void test_pem_traditional(void **state)
{
    jg_key *priv = NULL, *pub = NULL, *k = NULL;
    uint8_t sig[JGI_SIG_MAX];
    size_t sl = 0;
    char why[256] = "";
    jg_buf out = {0};
    (void)state;
    /* "RSA PRIVATE KEY" and the same key's "RSA PUBLIC KEY" */
    assert_int_equal(from_pem(PEM_RSA_TRAD, strlen(PEM_RSA_TRAD), &priv, why,
                              sizeof why), JG_OK);
    assert_int_equal(from_pem(PEM_RSA_PKCS1_PUB, strlen(PEM_RSA_PKCS1_PUB),
                              &pub, why, sizeof why), JG_OK);
    assert_int_equal(priv->kty, JG_KTY_RSA);
    assert_int_equal(priv->has_private, 1);
    assert_int_equal(priv->bits, 2048);
    assert_int_equal(pub->has_private, 0);
    assert_int_equal(jgi_sign(priv, JG_RS256, MSG, MSG_LEN, sig, &sl), JG_OK);
    assert_int_equal(jgi_verify(pub, JG_RS256, MSG, MSG_LEN, sig, sl), JG_OK);
    /* written back out as PKCS#8 and SPKI */
    assert_int_equal(jgi_key_to_pem(priv, 0, &out), JG_OK);
    assert_non_null(strstr((char *)out.data, "BEGIN PRIVATE KEY"));
    jg_buf_free(&out);
    key_free(priv);
    key_free(pub);
    /* "EC PARAMETERS" + "EC PRIVATE KEY" */
    assert_int_equal(from_pem(PEM_EC_TRAD, strlen(PEM_EC_TRAD), &k, why,
                              sizeof why), JG_OK);
    assert_int_equal(k->kty, JG_KTY_EC);
    assert_int_equal(k->crv, JG_CRV_P256);
    assert_int_equal(k->has_private, 1);
    assert_int_equal(jgi_sign(k, JG_ES256, MSG, MSG_LEN, sig, &sl), JG_OK);
    assert_int_equal(jgi_verify(k, JG_ES256, MSG, MSG_LEN, sig, sl), JG_OK);
    key_free(k);
    assert_int_equal(from_pem(PEM_K1_TRAD, strlen(PEM_K1_TRAD), &k, why,
                              sizeof why), JG_OK);
    assert_int_equal(k->crv, JG_CRV_SECP256K1);
    assert_int_equal(jgi_sign(k, JG_ES256K, MSG, MSG_LEN, sig, &sl), JG_OK);
    assert_int_equal(jgi_verify(k, JG_ES256K, MSG, MSG_LEN, sig, sl), JG_OK);
    key_free(k);
    /* e = 3 is a legal exponent */
    assert_int_equal(from_pem(PEM_RSA_E3, strlen(PEM_RSA_E3), &k, why,
                              sizeof why), JG_OK);
    assert_int_equal(jgi_sign(k, JG_PS256, MSG, MSG_LEN, sig, &sl), JG_OK);
    assert_int_equal(jgi_verify(k, JG_PS256, MSG, MSG_LEN, sig, sl), JG_OK);
    key_free(k);
}

static void test_pem_refused(void **state)
{
    char why[256], buf[4096];
    jg_buf out = {0};
    jg_key *oct = key_oct(32, 1, JG_HS256);
    int n;
    (void)state;
    /* encrypted: refused, and nothing asks for a passphrase */
    assert_int_equal(from_pem(PEM_ENC_P8, strlen(PEM_ENC_P8), NULL, why,
                              sizeof why), JG_E_UNSUPPORTED);
    assert_non_null(strstr(why, "encrypted"));
    assert_int_equal(from_pem(PEM_ENC_TRAD, strlen(PEM_ENC_TRAD), NULL, why,
                              sizeof why), JG_E_UNSUPPORTED);
    assert_non_null(strstr(why, "encrypted"));
    /* keys that fail the checks or are of another kind */
    assert_int_equal(from_pem(PEM_RSA1024, strlen(PEM_RSA1024), NULL, why,
                              sizeof why), JG_E_KEY_INVALID);
    assert_non_null(strstr(why, "1024"));
    assert_int_equal(from_pem(PEM_P224, strlen(PEM_P224), NULL, why,
                              sizeof why), JG_E_UNSUPPORTED);
    assert_int_equal(from_pem(PEM_EXPLICIT_G2, strlen(PEM_EXPLICIT_G2), NULL,
                              why, sizeof why), JG_E_UNSUPPORTED);
    assert_non_null(strstr(why, "explicit"));
    assert_int_equal(from_pem(PEM_SM2, strlen(PEM_SM2), NULL, why,
                              sizeof why), JG_E_UNSUPPORTED);
    assert_int_equal(from_pem(PEM_RSAPSS_PUB, strlen(PEM_RSAPSS_PUB), NULL,
                              why, sizeof why), JG_E_UNSUPPORTED);
    assert_int_equal(from_pem(PEM_CERT, strlen(PEM_CERT), NULL, why,
                              sizeof why), JG_E_MALFORMED);
    assert_non_null(strstr(why, "certificate"));
    /* not PEM, empty, damaged, two keys */
    assert_int_equal(from_pem("hello", 5, NULL, why, sizeof why),
                     JG_E_MALFORMED);
    assert_int_equal(from_pem("", 0, NULL, why, sizeof why), JG_E_MALFORMED);
    n = snprintf(buf, sizeof buf, "%s", PEM_EC_TRAD);
    assert_true(n > 120);
    buf[n - 40] = buf[n - 40] == 'A' ? 'B' : 'A'; /* inside the DER */
    assert_int_not_equal(from_pem(buf, (size_t)n, NULL, why, sizeof why),
                         JG_OK);
    n = snprintf(buf, sizeof buf, "%s", PEM_K1_TRAD);
    memcpy(buf + 40, "!!!!", 4); /* not base64 */
    assert_int_equal(from_pem(buf, (size_t)n, NULL, why, sizeof why),
                     JG_E_MALFORMED);
    n = snprintf(buf, sizeof buf, "%s%s", PEM_K1_TRAD, PEM_EC_TRAD);
    assert_int_equal(from_pem(buf, (size_t)n, NULL, why, sizeof why),
                     JG_E_MALFORMED);
    assert_non_null(strstr(why, "more than one key"));
    /* oct keys have no PEM form */
    assert_int_equal(jgi_key_prepare(oct), JG_OK);
    assert_int_equal(jgi_key_to_pem(oct, 0, &out), JG_E_UNSUPPORTED);
    assert_null(out.data);
    key_free(oct);
}

/* ---- the per-thread context cache ---- */
static void test_cache_serials(void **state)
{
    uint8_t t1[JGI_SIG_MAX], t2[JGI_SIG_MAX], ref[JGI_SIG_MAX];
    size_t l1 = 0, l2 = 0, lr = 0;
    jg_key *k = key_oct(32, 0x11, JG_ALG_UNKNOWN);
    jg_key *r = key_oct(32, 0x22, JG_ALG_UNKNOWN);
    jg_key *many[40];
    (void)state;
    /* a key released, and a new one in the same struct: the new MAC */
    assert_int_equal(jgi_key_prepare(k), JG_OK);
    assert_int_equal(jgi_sign(k, JG_HS256, MSG, MSG_LEN, t1, &l1), JG_OK);
    jgi_key_release(k);
    memset(k->secret, 0x22, 32);
    k->serial = serial_next++;
    assert_int_equal(jgi_key_prepare(k), JG_OK);
    assert_int_equal(jgi_sign(k, JG_HS256, MSG, MSG_LEN, t2, &l2), JG_OK);
    r->serial = 0; /* serial 0: never cached, a context per call */
    assert_int_equal(jgi_key_prepare(r), JG_OK);
    assert_int_equal(jgi_sign(r, JG_HS256, MSG, MSG_LEN, ref, &lr), JG_OK);
    assert_memory_equal(t2, ref, 32);
    assert_memory_not_equal(t1, t2, 32);
    for (int i = 0; i < 3; i++) /* the uncached path, repeatedly */
        assert_int_equal(jgi_verify(r, JG_HS256, MSG, MSG_LEN, ref, 32),
                         JG_OK);
    assert_int_equal(jgi_verify(r, JG_HS256, MSG, MSG_LEN, t1, 32),
                     JG_E_BAD_SIGNATURE);
    key_free(k);
    key_free(r);
    /* more keys than cache slots, used round after round */
    for (int i = 0; i < 40; i++) {
        many[i] = key_oct(32, (uint8_t)i, JG_HS256);
        assert_int_equal(jgi_key_prepare(many[i]), JG_OK);
    }
    for (int round = 0; round < 3; round++) {
        for (int i = 0; i < 40; i++) {
            uint8_t s[JGI_SIG_MAX];
            size_t sl = 0;
            assert_int_equal(jgi_sign(many[i], JG_HS256, MSG, MSG_LEN, s,
                                      &sl), JG_OK);
            assert_int_equal(jgi_verify(many[i], JG_HS256, MSG, MSG_LEN, s,
                                        sl), JG_OK);
            assert_int_equal(jgi_verify(many[(i + 1) % 40], JG_HS256, MSG,
                                        MSG_LEN, s, sl), JG_E_BAD_SIGNATURE);
        }
    }
    for (int i = 0; i < 40; i++)
        key_free(many[i]);
}

/* A thread that used key A keeps A's contexts in its cache; when A's
 * struct is reused for key B (released on another thread), B must not
 * meet A's contexts there. */
typedef struct reuse_ctx {
    jg_key *k;
    pthread_barrier_t bar;
    uint8_t sig_a[JGI_SIG_MAX], sig_b[JGI_SIG_MAX];
    size_t la, lb;
    int ok_a_after, ok_b, ok_a_before;
} reuse_ctx;

static void *reuse_thread(void *arg)
{
    reuse_ctx *c = arg;
    c->ok_a_before = jgi_verify(c->k, JG_ES256, MSG, MSG_LEN, c->sig_a,
                                c->la) == JG_OK;
    pthread_barrier_wait(&c->bar); /* main replaces the key */
    pthread_barrier_wait(&c->bar);
    c->ok_a_after = jgi_verify(c->k, JG_ES256, MSG, MSG_LEN, c->sig_a,
                               c->la) == JG_OK;
    c->ok_b = jgi_verify(c->k, JG_ES256, MSG, MSG_LEN, c->sig_b, c->lb) ==
              JG_OK;
    return NULL;
}

static void test_cache_reuse_across_threads(void **state)
{
    reuse_ctx c;
    pthread_t th;
    (void)state;
    memset(&c, 0, sizeof c);
    c.k = key_gen(JG_KTY_EC, JG_CRV_P256);
    assert_int_equal(jgi_sign(c.k, JG_ES256, MSG, MSG_LEN, c.sig_a, &c.la),
                     JG_OK);
    assert_int_equal(pthread_barrier_init(&c.bar, NULL, 2), 0);
    assert_int_equal(pthread_create(&th, NULL, reuse_thread, &c), 0);
    pthread_barrier_wait(&c.bar);
    jgi_key_release(c.k);
    c.k->serial = serial_next++;
    assert_int_equal(jgi_key_generate(c.k, 0), JG_OK);
    assert_int_equal(jgi_sign(c.k, JG_ES256, MSG, MSG_LEN, c.sig_b, &c.lb),
                     JG_OK);
    pthread_barrier_wait(&c.bar);
    assert_int_equal(pthread_join(th, NULL), 0);
    pthread_barrier_destroy(&c.bar);
    assert_true(c.ok_a_before);
    assert_false(c.ok_a_after);
    assert_true(c.ok_b);
    key_free(c.k);
}

#define NTHREADS 4
#define NITER 150

static void *worker(void *arg)
{
    static const alg_case *cases = CASES;
    long bad = 0;
    unsigned seed = (unsigned)(uintptr_t)arg;
    for (int it = 0; it < NITER; it++) {
        const alg_case *c = &cases[(seed + (unsigned)it) % NCASES];
        uint8_t sig[JGI_SIG_MAX];
        size_t sl = 0;
        if (jgi_sign(*c->key, c->alg, MSG, MSG_LEN, sig, &sl) != JG_OK ||
            sl != c->sig_len)
            bad++;
        if (jgi_verify(*c->key, c->alg, MSG, MSG_LEN, sig, sl) != JG_OK)
            bad++;
        sig[it % (int)sl] ^= 0x40;
        if (jgi_verify(*c->key, c->alg, MSG, MSG_LEN, sig, sl) == JG_OK)
            bad++;
        if (jgi_verify(K.hs, JG_HS256, MSG, MSG_LEN, sig, 32) == JG_OK)
            bad++;
    }
    return (void *)(intptr_t)bad;
}

static void test_threads_share_keys(void **state)
{
    pthread_t th[NTHREADS];
    (void)state;
    for (uintptr_t i = 0; i < NTHREADS; i++)
        assert_int_equal(pthread_create(&th[i], NULL, worker, (void *)i), 0);
    for (int i = 0; i < NTHREADS; i++) {
        void *res = NULL;
        assert_int_equal(pthread_join(th[i], &res), 0);
        assert_int_equal((intptr_t)res, 0);
    }
}

/* ---- the small primitives ---- */
static void test_misc_primitives(void **state)
{
    static const char *abc =
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    static const char *empty =
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    uint8_t h[32], want[32], a[64], b[64];
    (void)state;
    assert_int_equal(jgi_sha256((const uint8_t *)"abc", 3, h), JG_OK);
    unhex(want, sizeof want, abc);
    assert_memory_equal(h, want, 32);
    assert_int_equal(jgi_sha256(NULL, 0, h), JG_OK);
    unhex(want, sizeof want, empty);
    assert_memory_equal(h, want, 32);
    memset(a, 0, sizeof a);
    memset(b, 0, sizeof b);
    assert_int_equal(jgi_random(a, sizeof a), JG_OK);
    assert_int_equal(jgi_random(b, sizeof b), JG_OK);
    assert_memory_not_equal(a, b, sizeof a);
    assert_int_equal(jgi_random(NULL, 0), JG_OK);
    assert_true(jgi_ct_equal(a, a, sizeof a));
    memcpy(b, a, sizeof a);
    b[63] ^= 1;
    assert_false(jgi_ct_equal(a, b, sizeof a));
    assert_true(jgi_ct_equal(a, b, 63));
    jg_wipe(a, sizeof a);
    memset(b, 0, sizeof b);
    assert_memory_equal(a, b, sizeof a);
    jg_wipe(NULL, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_roundtrip_every_alg),
        cmocka_unit_test(test_wrong_lengths),
        cmocka_unit_test(test_tamper_loop),
        cmocka_unit_test(test_ecdsa_range),
        cmocka_unit_test(test_ecdsa_der_refused),
        cmocka_unit_test(test_alg_key_mismatch),
        cmocka_unit_test(test_hmac_rules),
        cmocka_unit_test(test_hmac_rfc4231),
        cmocka_unit_test(test_rfc8032),
        cmocka_unit_test(test_rsa_import_checks),
        cmocka_unit_test(test_ec_import_checks),
        cmocka_unit_test(test_okp_import_checks),
        cmocka_unit_test(test_export_import),
        cmocka_unit_test(test_generate_args),
        cmocka_unit_test(test_pem_roundtrip),
        cmocka_unit_test(test_pem_traditional),
        cmocka_unit_test(test_pem_refused),
        cmocka_unit_test(test_cache_serials),
        cmocka_unit_test(test_cache_reuse_across_threads),
        cmocka_unit_test(test_threads_share_keys),
        cmocka_unit_test(test_misc_primitives),
    };
    return cmocka_run_group_tests(tests, setup_keys, teardown_keys);
}
