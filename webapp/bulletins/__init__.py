"""月度通报: the monthly bulletin page, its printed form and the .xlsx export."""
