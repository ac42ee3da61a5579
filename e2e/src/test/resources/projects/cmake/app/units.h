#ifdef __cplusplus
extern "C"
#endif
const char *unit_name(void);
