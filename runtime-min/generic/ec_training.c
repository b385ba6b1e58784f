/* ec_training.c - optimizer steps (see ec_training.h). */
#include <math.h>
#include "ec_training.h"

void ec_adagrad_f32(float *x_new, float *h_new, const float *r, const int64_t *t, const float *x,
                    const float *g, const float *h, int32_t n, float decay, float eps, float norm)
{
    const double rr = (double)r[0] / (1.0 + (double)t[0] * (double)decay);
    int32_t i;
    for (i = 0; i < n; i++) {
        const double gr = (double)norm * x[i] + g[i];
        const double hn = h[i] + gr * gr;
        x_new[i] = (float)(x[i] - rr * gr / (sqrt(hn) + (double)eps));
        h_new[i] = (float)hn;
    }
}

void ec_adam_f32(float *x_new, float *v_new, float *h_new, const float *r, const int64_t *t,
                 const float *x, const float *g, const float *v, const float *h, int32_t n,
                 float alpha, float beta, float eps, float norm, float norm_post)
{
    const double a = alpha, b = beta, tt = (double)t[0];
    const double rr = t[0] > 0 ? (double)r[0] * sqrt(1.0 - pow(b, tt)) / (1.0 - pow(a, tt))
                               : (double)r[0];
    int32_t i;
    for (i = 0; i < n; i++) {
        const double gr = (double)norm * x[i] + g[i];
        const double vn = a * v[i] + (1.0 - a) * gr;
        const double hn = b * h[i] + (1.0 - b) * gr * gr;
        x_new[i] = (float)((1.0 - (double)norm_post) * (x[i] - rr * vn / (sqrt(hn) + (double)eps)));
        v_new[i] = (float)vn;
        h_new[i] = (float)hn;
    }
}

void ec_momentum_f32(float *x_new, float *v_new, const float *r, const int64_t *t, const float *x,
                     const float *g, const float *v, int32_t n, float alpha, float beta, float norm,
                     int32_t nesterov)
{
    const double bb = t[0] > 0 ? (double)beta : 1.0, rr = r[0];
    int32_t i;
    for (i = 0; i < n; i++) {
        const double gr = (double)norm * x[i] + g[i];
        const double vn = (double)alpha * v[i] + bb * gr;
        x_new[i] = (float)(nesterov ? x[i] - rr * (gr + (double)alpha * vn) : x[i] - rr * vn);
        v_new[i] = (float)vn;
    }
}
