# Warnings for our own code; -Werror when JG_WERROR is on (CI).
function(jg_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wconversion
    -Wshadow -Wvla -Wstrict-prototypes -Wmissing-prototypes
    -Wno-sign-conversion)
  if(JG_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
