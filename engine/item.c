/* item — see item.h. */
#include "item.h"

#include "sv_util.h"

const char *eng_item_kind_name(eng_item_kind_t k)
{
    static const char *const names[ENG_ITEM__CNT] = {"score", "market", "signal"};
    return (unsigned)k < SV_ARRAY_SIZE(names) ? names[k] : "?";
}
