interface Window { emolens: typeof import('@emolens/core') }
