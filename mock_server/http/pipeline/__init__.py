"""The request pipeline: the layers a request passes before and after its handler."""
