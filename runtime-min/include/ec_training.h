/* ec_training.h - runtime-min kernels of the training family (domain
 * ai.onnx.preview.training, version 1): one optimizer step on one tensor.
 *
 * Every kernel updates n elements. r (the learning rate) and t (the step
 * count) are one-element tensors read at run time. Arithmetic is in double,
 * results rounded to float once.
 */
#ifndef EC_TRAINING_H
#define EC_TRAINING_H

#include "ec_rt.h"

/* Adagrad: x_new, h_new (n) from x, g, h (n):
 *     rr = r / (1 + t * decay);  gr = norm * x + g
 *     h_new = h + gr^2;          x_new = x - rr * gr / (sqrt(h_new) + eps) */
void ec_adagrad_f32(float *x_new, float *h_new, const float *r, const int64_t *t, const float *x,
                    const float *g, const float *h, int32_t n, float decay, float eps, float norm);

/* Adam: x_new, v_new, h_new (n) from x, g, v, h (n):
 *     gr = norm * x + g;  v_new = alpha v + (1 - alpha) gr;  h_new = beta h + (1 - beta) gr^2
 *     rr = t > 0 ? r sqrt(1 - beta^t) / (1 - alpha^t) : r
 *     x_new = (1 - norm_post) (x - rr v_new / (sqrt(h_new) + eps)) */
void ec_adam_f32(float *x_new, float *v_new, float *h_new, const float *r, const int64_t *t,
                 const float *x, const float *g, const float *v, const float *h, int32_t n,
                 float alpha, float beta, float eps, float norm, float norm_post);

/* Momentum: x_new, v_new (n) from x, g, v (n):
 *     gr = norm * x + g;  v_new = alpha v + (t > 0 ? beta : 1) gr
 *     x_new = x - r v_new                  (nesterov 0, "standard")
 *     x_new = x - r (gr + alpha v_new)     (nesterov 1) */
void ec_momentum_f32(float *x_new, float *v_new, const float *r, const int64_t *t, const float *x,
                     const float *g, const float *v, int32_t n, float alpha, float beta, float norm,
                     int32_t nesterov);

#endif
