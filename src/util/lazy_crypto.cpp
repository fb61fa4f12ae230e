// The libcrypto (OpenSSL) functions oddsctl calls, SHA-256 only, loaded on first use (see
// lazy_lib.hpp): commands that hash nothing do not map libcrypto.
//
// Only built when CMake found a shared libcrypto (ODDSCTL_LAZY_CRYPTO names its soname). A
// function not defined here still links, against the real library, loaded at start-up again.
#ifdef ODDSCTL_LAZY_CRYPTO

#include <openssl/evp.h>

#include "util/lazy_lib.hpp"

namespace {

template <class F>
F crypto_fn(const char* name) {
  return oddsctl::lazy_lib::function<F>(ODDSCTL_LAZY_CRYPTO, name);
}

}  // namespace

extern "C" {

const EVP_MD* EVP_sha256(void) {
  static const auto fn = crypto_fn<const EVP_MD* (*)()>("EVP_sha256");
  return fn();
}

int EVP_Digest(const void* data, size_t count, unsigned char* md, unsigned int* size, const EVP_MD* type,
               ENGINE* impl) {
  static const auto fn =
      crypto_fn<int (*)(const void*, size_t, unsigned char*, unsigned int*, const EVP_MD*, ENGINE*)>("EVP_Digest");
  return fn(data, count, md, size, type, impl);
}

EVP_MD_CTX* EVP_MD_CTX_new(void) {
  static const auto fn = crypto_fn<EVP_MD_CTX* (*)()>("EVP_MD_CTX_new");
  return fn();
}

void EVP_MD_CTX_free(EVP_MD_CTX* ctx) {
  static const auto fn = crypto_fn<void (*)(EVP_MD_CTX*)>("EVP_MD_CTX_free");
  fn(ctx);
}

int EVP_DigestInit_ex(EVP_MD_CTX* ctx, const EVP_MD* type, ENGINE* impl) {
  static const auto fn = crypto_fn<int (*)(EVP_MD_CTX*, const EVP_MD*, ENGINE*)>("EVP_DigestInit_ex");
  return fn(ctx, type, impl);
}

int EVP_DigestUpdate(EVP_MD_CTX* ctx, const void* data, size_t count) {
  static const auto fn = crypto_fn<int (*)(EVP_MD_CTX*, const void*, size_t)>("EVP_DigestUpdate");
  return fn(ctx, data, count);
}

int EVP_DigestFinal_ex(EVP_MD_CTX* ctx, unsigned char* md, unsigned int* size) {
  static const auto fn = crypto_fn<int (*)(EVP_MD_CTX*, unsigned char*, unsigned int*)>("EVP_DigestFinal_ex");
  return fn(ctx, md, size);
}

}  // extern "C"

#endif  // ODDSCTL_LAZY_CRYPTO
